"""Question privacy and session revocation (red-team review 2026-12, F5/F6/F7/F10/F11): the shared
``question_pages`` table (question text in clear, first asker owns the slug) is dropped; free-text questions
go to ``asked_questions``, encrypted under their owner; ``users.session_version`` lets sign-out revoke cookies.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("question_pages")
    op.create_table(
        "asked_questions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_asked_questions_owner_id", "asked_questions", ["owner_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
    op.drop_index("ix_asked_questions_owner_id", table_name="asked_questions")
    op.drop_table("asked_questions")
    op.create_table(
        "question_pages",
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
