"""Operators: the people who may open the console, each with a name and a PIN hash (made and checked by
kiosk.console.pin; the store only keeps the text). Names are what the audit trail shows."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.store.errors import OperatorError

__all__ = ["Operator", "FIRST_OPERATOR", "clean_operator_name", "list_operators", "add_operator", "set_pin"]

#: the name the shared PIN of older stations (operator-pin.txt) is kept under
FIRST_OPERATOR = "operator 1"
NAME_MAX = 32


@dataclass(frozen=True)
class Operator:
    """One operator: `pin_hash` is kiosk.console.pin.hash_pin's text."""

    name: str
    pin_hash: str
    created: str
    updated: str


def clean_operator_name(name: str) -> str:
    """Return `name` stripped; OperatorError "operator_name" unless it has 1-32 printable characters."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise OperatorError("operator_name")
    return name


def list_operators(db: sqlite3.Connection) -> list[Operator]:
    """Return every operator, in the order they were added."""
    rows = db.execute("SELECT name, pin_hash, created, updated FROM operators ORDER BY rowid").fetchall()
    return [Operator(*row) for row in rows]


def add_operator(db: sqlite3.Connection, name: str, pin_hash: str, now: str) -> Operator:
    """Add an operator inside the caller's transaction; OperatorError "operator_exists" if the name is taken."""
    name = clean_operator_name(name)
    if db.execute("SELECT 1 FROM operators WHERE name = ?", (name,)).fetchone():
        raise OperatorError("operator_exists", name=name)
    db.execute("INSERT INTO operators (name, pin_hash, created, updated) VALUES (?, ?, ?, ?)",
               (name, pin_hash, now, now))
    return Operator(name, pin_hash, now, now)


def set_pin(db: sqlite3.Connection, name: str, pin_hash: str, now: str) -> None:
    """Replace the PIN hash of operator `name` inside the caller's transaction; OperatorError if there is none."""
    cur = db.execute("UPDATE operators SET pin_hash = ?, updated = ? WHERE name = ?", (pin_hash, now, name))
    if cur.rowcount == 0:
        raise OperatorError("operator_unknown", name=name)
