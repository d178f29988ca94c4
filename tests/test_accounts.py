"""Optional accounts over real HTTP (uvicorn, SQLite): register keeps this browser's records, signing in from
another browser shows the same profile, generic sign-in errors, fresh sessions on every change of account, DELETE
/me removes the account, argon2id hashes and no password in the database or the logs, sign-in rate limits."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from oncoguide.store import Store
from oncoguide.store.users import UserError, Users

RECORD = b"""PATHOLOGY REPORT. Patient: ACCOUNT-PATIENT-8812.
FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung. Stage IIB.
Molecular: ALK rearrangement detected by FISH. PD-L1 TPS 60%.
"""
PASSWORD = "correct horse battery 8812"


def name(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@contextmanager
def browser(base: str, address: str | None = None) -> Iterator[httpx.Client]:
    transport = httpx.HTTPTransport(local_address=address) if address else None
    with httpx.Client(base_url=base, timeout=120, transport=transport) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
        yield c


def post(c: httpx.Client, what: str, username: str, password: str = PASSWORD) -> httpx.Response:
    r = c.post(f"/api/v1/account/{what}", json={"username": username, "password": password})
    if r.status_code == 200:  # the session changed: so did its CSRF token
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return r


def test_register_keeps_the_records_and_another_browser_signs_in_to_them(server: str) -> None:
    user = name()
    with browser(server) as a:
        up = a.post("/api/v1/records", files=[("files", ("mine.txt", RECORD))])
        record_id = up.json()["results"][0]["record"]["id"]
        assert a.put("/api/v1/profile/corrections", json={"field": "stage.group", "value": "IIIA"}).is_success
        before_cookie, before_token = a.cookies["og_session"], a.headers["X-CSRF-Token"]
        assert a.get("/api/v1/account").json() == {"username": None}
        r = post(a, "register", user.upper())  # usernames are case-insensitive, stored lowercase
        assert r.status_code == 200 and r.json()["username"] == user
        assert a.cookies["og_session"] != before_cookie and r.json()["csrf_token"] != before_token  # fresh session
        assert a.get("/api/v1/account").json() == {"username": user}
        assert [x["id"] for x in a.get("/api/v1/records").json()] == [record_id]
        mine = a.get("/api/v1/profile").json()
        assert mine["corrections"] == {"stage.group": "IIIA"} and "ALK" in str(mine["profile"])
        assert f"signed in as <strong>{user}</strong>" in a.get("/account").text
        # the old anonymous session no longer holds anything
        with httpx.Client(base_url=server, cookies={"og_session": before_cookie}) as old:
            assert old.get("/api/v1/records").json() == []
    with browser(server) as b:
        assert b.get("/api/v1/records").json() == []
        r = post(b, "login", user)
        assert r.status_code == 200 and r.json()["username"] == user
        assert [x["id"] for x in b.get("/api/v1/records").json()] == [record_id]
        assert b.get("/api/v1/profile").json() == mine
        assert b.get("/api/v1/ask", params={"q": "What does my ALK result mean?"}).json()["profile_used"]
        assert "ACCOUNT-PATIENT-8812" in b.get("/me").text or "ALK" in b.get("/me").text


def test_login_moves_an_anonymous_sessions_records_into_the_account(server: str) -> None:
    user = name()
    with browser(server) as a:
        assert post(a, "register", user).status_code == 200
    with browser(server) as b:
        rid = b.post("/api/v1/records", files=[("files", ("later.txt", RECORD))]).json()["results"][0]["record"]["id"]
        assert post(b, "login", user).status_code == 200
        assert [x["id"] for x in b.get("/api/v1/records").json()] == [rid]
        assert b.get("/api/v1/profile").json()["profile"] is not None


def test_wrong_password_and_unknown_user_give_the_same_generic_error(server: str) -> None:
    user = name()
    with browser(server) as c:
        assert post(c, "register", user).status_code == 200
        assert post(c, "logout", user).status_code == 200
        wrong, unknown = post(c, "login", user, "not the password 1"), post(c, "login", name("nobody"))
        invalid = post(c, "login", "x", "")  # not even a valid username
    for r in (wrong, unknown, invalid):
        assert r.status_code == 401 and r.json() == wrong.json()
    assert wrong.json()["code"] == "invalid_credentials"
    assert user not in wrong.text
    with browser(server) as c:  # the page says the same, and keeps the session anonymous
        page = c.post("/account/login", data={"username": user, "password": "nope nope nope",
                                              "csrf": c.headers["X-CSRF-Token"]})
        assert page.status_code == 401 and wrong.json()["message"] in page.text
        assert c.get("/api/v1/account").json() == {"username": None}


def test_registration_errors_have_stable_codes(server: str) -> None:
    user = name()
    with browser(server) as c:
        assert post(c, "register", user).status_code == 200
        assert post(c, "logout", user).status_code == 200
        taken = post(c, "register", user.upper())
        assert (taken.status_code, taken.json()["code"]) == (409, "username_taken")
        for bad in ("ab", "has space", "x" * 65, "émile", "semi;colon"):
            r = post(c, "register", bad)
            assert (r.status_code, r.json()["code"]) == (400, "invalid_username"), bad
        for weak in ("short", "a" * 20, "y" * 257):
            r = post(c, "register", name(), weak)
            assert (r.status_code, r.json()["code"]) == (400, "weak_password"), weak
        assert c.get("/api/v1/account").json() == {"username": None}
        assert post(c, "register", name()).status_code == 200
        again = post(c, "register", name())  # already signed in
        assert (again.status_code, again.json()["code"]) == (409, "already_signed_in")


def test_account_routes_need_the_csrf_token(server: str) -> None:
    user = name()
    with httpx.Client(base_url=server) as c:
        c.get("/api/v1/session")
        for what in ("register", "login", "logout"):
            r = c.post(f"/api/v1/account/{what}", json={"username": user, "password": PASSWORD})
            assert (r.status_code, r.json()["code"]) == (403, "csrf_failed"), what
        for what in ("register", "login", "logout"):
            r = c.post(f"/account/{what}", data={"username": user, "password": PASSWORD})
            assert r.status_code == 403 and "CSRF token" in r.text, what
        assert c.get("/api/v1/account").json() == {"username": None}
    with browser(server) as c:
        assert post(c, "login", user).status_code == 401  # the refused registration created nothing


def test_another_account_sees_nothing_and_logout_gives_a_fresh_anonymous_session(server: str) -> None:
    alice, mallory = name("alice"), name("mallory")
    with browser(server) as a:
        a.post("/api/v1/records", files=[("files", ("alice.txt", RECORD))])
        assert post(a, "register", alice).status_code == 200
        signed_in = a.cookies["og_session"]
        out = post(a, "logout", alice)
        assert out.status_code == 200 and out.json()["username"] is None
        assert a.cookies["og_session"] != signed_in and ":" not in a.cookies["og_session"]
        assert a.get("/api/v1/account").json() == {"username": None}
        assert a.get("/api/v1/records").json() == [] and a.get("/api/v1/profile").json()["profile"] is None
        assert "Sign in" in a.get("/account").text
    with browser(server) as m:
        assert post(m, "register", mallory).status_code == 200
        assert m.get("/api/v1/records").json() == [] and m.get("/api/v1/profile").json()["profile"] is None
        assert "ACCOUNT-PATIENT-8812" not in m.get("/me").text
        # a forged cookie naming alice's account is refused (it is signed): a fresh anonymous session instead
        sid, _, rest = m.cookies["og_session"].partition(":")
        with httpx.Client(base_url=server, cookies={"og_session": f"{sid}:{'0' * 32}.{rest.split('.')[1]}"}) as f:
            assert f.get("/api/v1/account").json() == {"username": None}


def test_pages_register_sign_in_and_out(server: str) -> None:
    user = name()
    with browser(server) as c:
        page = c.get("/account").text
        assert 'autocomplete="new-password"' in page and 'autocomplete="current-password"' in page
        assert '<label for="register-username">' in page and 'href="/account"' in page
        r = c.post("/account/register", data={"username": user, "password": PASSWORD,
                                              "csrf": c.headers["X-CSRF-Token"]}, follow_redirects=True)
        assert r.status_code == 200 and f"signed in as <strong>{user}</strong>" in r.text
        token = r.text.split('name="csrf" value="')[1].split('"')[0]
        r = c.post("/account/logout", data={"csrf": token}, follow_redirects=True)
        assert r.status_code == 200 and "Create an account" in r.text
        token = r.text.split('name="csrf" value="')[1].split('"')[0]
        r = c.post("/account/login", data={"username": user, "password": PASSWORD, "csrf": token},
                   follow_redirects=True)
        assert f"signed in as <strong>{user}</strong>" in r.text


def test_delete_me_removes_the_account(server: str) -> None:
    user = name()
    with browser(server) as a, browser(server) as b:
        a.post("/api/v1/records", files=[("files", ("gone.txt", RECORD))])
        assert post(a, "register", user).status_code == 200
        assert post(b, "login", user).status_code == 200
        assert len(b.get("/api/v1/records").json()) == 1
        r = a.delete("/api/v1/me")
        assert r.status_code == 200 and r.json()["deleted"] >= 2
        assert a.get("/api/v1/account").json() == {"username": None}  # signed out with a fresh session
        assert b.get("/api/v1/account").json() == {"username": None}  # the other browser's account is gone too
        assert b.get("/api/v1/records").json() == []
    with browser(server) as c:
        assert post(c, "login", user).json()["code"] == "invalid_credentials"
        assert post(c, "register", user).status_code == 200  # the name is free again
        r = c.post("/me/delete", data={"csrf": c.headers["X-CSRF-Token"], "confirm": "yes"})
        assert r.status_code == 200 and "account" in r.text and user in r.text
        assert c.get("/api/v1/account").json() == {"username": None}
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]  # a fresh session: a new token
        assert post(c, "login", user).status_code == 401


def test_argon2id_and_no_password_in_the_database_or_logs_and_rate_limits(tmp_path: Path) -> None:
    from bench.load import serve

    env = {"ONCOGUIDE_SEARCH__EMBEDDER": "none", "ONCOGUIDE_SERVER__LOGIN_PER_MINUTE": "3"}
    secret, user = "Pa55word-NEVER-STORED-7731", name()
    with serve(tmp_path / "data", tmp_path / "server.log", env=env) as srv, \
            browser(srv.base_url, "127.0.0.1") as one, browser(srv.base_url, "127.0.0.2") as two:
        one.post("/api/v1/records", files=[("files", ("r.txt", RECORD))])
        assert post(one, "register", user, secret).status_code == 200  # client one: 1 attempt
        assert post(one, "logout", user).status_code == 200
        codes = [post(one, "login", user, f"wrong password {i}").status_code for i in range(3)]
        assert codes == [401, 401, 429]
        limited = post(one, "login", name(), "whatever password")
        assert limited.json()["code"] == "rate_limited"
        # per username, failed guesses are slowed down, never refused: the right password still works
        assert post(two, "login", user, "wrong password x").status_code == 401
        assert post(two, "login", user, "wrong password y").status_code == 401
        assert post(two, "login", user, secret).status_code == 200
        gone = name("gone")  # an account deleted with its data leaves nothing of its name in any file
        with browser(srv.base_url, "127.0.0.3") as three:
            three.post("/api/v1/records", files=[("files", ("g.txt", RECORD))])
            assert post(three, "register", gone, secret + "-2").status_code == 200
            assert three.delete("/api/v1/me").status_code == 200
    db = tmp_path / "data" / "oncoguide.db"
    rows = sqlite3.connect(db).execute("SELECT username, password_hash FROM users").fetchall()
    assert len(rows) == 1 and rows[0][0] == user and rows[0][1].startswith("$argon2id$")
    for path in [p for p in tmp_path.rglob("*") if p.is_file()]:
        data = path.read_bytes()
        assert secret.encode() not in data and secret.encode("utf-16-le") not in data, path
        assert gone.encode() not in data, path


def test_users_store_rules(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'u.db'}")
    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append("verify")
            return super().verify(hash, password)

    users = Users(store, Counting())
    uid = users.create("  Bob.Smith_1 ", "a long enough password")
    assert users.username(uid) == "bob.smith_1"
    assert users.verify("BOB.SMITH_1", "a long enough password") == uid
    assert users.verify("bob.smith_1", "a long enough password" + "x" * 300) is None
    calls.clear()
    assert users.verify("nobody-here", "a long enough password") is None
    assert calls == ["verify"]  # the same argon2 work for an unknown username
    with pytest.raises(UserError) as exc:
        users.create("bob.smith_1", "another long password")
    assert exc.value.code == "username_taken"
    assert users.delete(uid) and users.verify("bob.smith_1", "a long enough password") is None
