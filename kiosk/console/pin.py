"""Operator PINs: PBKDF2 hashing, the factory PIN that must be changed, the rules for a new PIN, and the lock-out
after too many wrong tries."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Callable

__all__ = ["DEFAULT_PIN", "PIN_MIN_LEN", "PIN_MAX_LEN", "PBKDF2_ITERATIONS", "MAX_WRONG_PINS", "LOCKOUT_S",
           "hash_pin", "verify_pin", "is_default_pin", "pin_problem", "PinGuard"]

DEFAULT_PIN = "0000"
PIN_MIN_LEN, PIN_MAX_LEN = 4, 8
PBKDF2_ITERATIONS = 200_000
MAX_WRONG_PINS = 5
LOCKOUT_S = 60.0


def hash_pin(pin: str, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None) -> str:
    """Return `pin` hashed with PBKDF2-HMAC-SHA256 and a random salt, as "pbkdf2$<iterations>$<salt hex>$<hash hex>"."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return f"pbkdf2${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Return whether `pin` matches a hash_pin() string (constant-time compare; a malformed string never matches)."""
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        iterations_n = int(iterations)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except (AttributeError, ValueError):
        return False
    if scheme != "pbkdf2" or not 1 <= iterations_n <= 10_000_000 or not expected:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", (pin or "").encode("utf-8"), salt, iterations_n)
    return hmac.compare_digest(digest, expected)


def is_default_pin(stored: str | None) -> bool:
    """Return whether the stored hash is missing or is the factory PIN (which must be changed on first use)."""
    return not stored or verify_pin(DEFAULT_PIN, stored)


def pin_problem(pin: str) -> str | None:
    """Return a text key saying why `pin` cannot be a new PIN, or None if it can."""
    if not (pin.isascii() and pin.isdigit()) or not PIN_MIN_LEN <= len(pin) <= PIN_MAX_LEN:
        return "op_pin_rule"
    if pin == DEFAULT_PIN or len(set(pin)) == 1:
        return "op_pin_weak"
    return None


class PinGuard:
    """Checks PINs with a lock-out: after `max_wrong` wrong PINs in a row, every try is refused for `lockout_s`."""

    def __init__(self, stored: str | None, clock: Callable[[], float] = time.monotonic,
                 max_wrong: int = MAX_WRONG_PINS, lockout_s: float = LOCKOUT_S,
                 iterations: int = PBKDF2_ITERATIONS) -> None:
        self.iterations = iterations
        self.stored = stored or hash_pin(DEFAULT_PIN, iterations)
        self.clock = clock
        self.max_wrong = max_wrong
        self.lockout_s = lockout_s
        self.wrong = 0
        self._locked_until: float | None = None
        self.must_change = is_default_pin(self.stored)

    def use(self, stored: str | None) -> None:
        """Check PINs against another operator's hash from now on (None: the factory PIN). The wrong-PIN count and
        the lock-out stay: choosing another name does not give more tries."""
        self.stored = stored or hash_pin(DEFAULT_PIN, self.iterations)
        self.must_change = is_default_pin(self.stored)

    def locked_for(self) -> float:
        """Return the seconds the lock-out still lasts (0 when not locked)."""
        if self._locked_until is None:
            return 0.0
        left = self._locked_until - self.clock()
        if left <= 0:
            self._locked_until = None
            self.wrong = 0
            return 0.0
        return left

    def attempt(self, pin: str) -> str:
        """Check `pin`: return "ok", "wrong" or "locked" (a try during the lock-out is not even checked)."""
        if self.locked_for() > 0:
            return "locked"
        if verify_pin(pin, self.stored):
            self.wrong = 0
            return "ok"
        self.wrong += 1
        if self.wrong >= self.max_wrong:
            self._locked_until = self.clock() + self.lockout_s
            return "locked"
        return "wrong"

    def change(self, new_pin: str, iterations: int = PBKDF2_ITERATIONS) -> str:
        """Set a new PIN and return its hash (to be saved by the app). Raise ValueError(text key) if not allowed."""
        problem = pin_problem(new_pin)
        if problem:
            raise ValueError(problem)
        self.stored = hash_pin(new_pin, iterations)
        self.must_change = False
        return self.stored
