"""Print the Flesch-Kincaid grade and word count of every section of a guide (helper for corpus writers)."""

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, "src")
from oncoguide.text.readability import fk_grade

for path in sys.argv[1:]:
    text = Path(path).read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if not m:
        sys.exit(f"{path}: no YAML front matter")
    meta = yaml.safe_load(m.group(1))
    ids = {s["id"] for s in meta.get("sources", [])}
    body = text[m.end():]
    parts = re.split(r"^(#{2,3} .+)$", body, flags=re.M)
    worst = 0.0
    for head, content in zip(parts[1::2], parts[2::2], strict=True):
        cited = re.findall(r"<!--\s*sources:\s*(.*?)-->", content)
        plain = re.sub(r"<!--.*?-->", "", content, flags=re.S).replace("\n- ", "\n").strip()
        if not plain:
            continue
        missing = [c.strip() for c in ",".join(cited).split(",") if c.strip() and c.strip() not in ids]
        grade = fk_grade(plain)
        worst = max(worst, grade)
        flag = " <-- too hard" if grade > 8 else ""
        src = "" if cited else "  NO SOURCES"
        if missing:
            src += f"  UNKNOWN SOURCE IDS {missing}"
        print(f"{grade:5.1f} {len(plain.split()):4d}w  {head.strip()}{flag}{src}")
    print(f"{path}: worst grade {worst:.1f}")
