"""Profile-level services shared by the GUI and the CLI: first set-up, unlock, the volunteer at work."""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path

from desktop import i18n
from desktop.core import audit, logs
from desktop.core.errors import UserError, ValidationError, WrongPassphrase
from desktop.core.keys import delay
from desktop.core.network import directory
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Volunteer
from desktop.i18n import _

log = logging.getLogger(__name__)

MIN_PASSPHRASE_LENGTH = 8
#: zxcvbn score a new passphrase needs (0 very weak … 4 strong).
MIN_SCORE = 2


def passphrase_score(passphrase: str, user_inputs: list[str] | None = None) -> int:
    """zxcvbn's estimate from 0 (very weak) to 4 (strong)."""
    if not passphrase:
        return 0
    from zxcvbn import zxcvbn

    return int(zxcvbn(passphrase[:100], user_inputs=[u for u in user_inputs or [] if u])["score"])


def profile_language(profile: Path) -> str | None:
    """The UI language saved with a profile (readable before unlock: it is not personal data)."""
    lang = store_db.read_profile_meta(profile).get("language")
    return lang if lang in i18n.LANGUAGES else None


def check_new_passphrase(passphrase: str, repeated: str, user_inputs: list[str] | None = None) -> None:
    """Refuse a new passphrase that is too short, too easy to guess or was not typed the same twice."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            _("The passphrase needs at least {count} characters.").format(count=MIN_PASSPHRASE_LENGTH)
        )
    if passphrase != repeated:
        raise ValidationError(_("The two passphrases differ."))
    if passphrase_score(passphrase, user_inputs) < MIN_SCORE:
        raise ValidationError(_("This passphrase is too easy to guess. Add more words."))


def create(
    profile: Path,
    passphrase: str,
    *,
    language: str,
    device_name: str,
    volunteer_name: str,
    kdf_iterations: int = store_db.DEFAULT_KDF_ITERATIONS,
) -> store_db.Store:
    """Create and open a new profile, naming this laptop and its volunteer."""
    store = store_db.create_profile(profile, passphrase, language=language, kdf_iterations=kdf_iterations)
    after_unlock(store)
    store.set_setting("device_name", device_name.strip())
    if volunteer_name.strip():
        volunteer = changelog.create(Volunteer, name=volunteer_name.strip())
        store.volunteer_id = volunteer.id
        store.set_setting("volunteer_id", volunteer.id)
    ready_for_use()
    return store


class TryLater(UserError):
    """Too many wrong passphrases in a row: the next try must wait ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            _("Too many wrong tries. Please wait {seconds} s before the next one.").format(seconds=math.ceil(seconds))
        )


def unlock_wait(profile: Path) -> float:
    """Seconds before the profile may be tried again after wrong passphrases (0: now)."""
    return delay.remaining(profile)


def _refuse_too_soon(profile: Path) -> None:
    wait = delay.remaining(profile)
    if wait > 0:
        raise TryLater(wait)


def unlock(profile: Path, passphrase: str) -> store_db.Store:
    """Open an existing profile; a wrong passphrase raises WrongPassphrase before the database is written
    (it is counted in profile.json, for the audit log at the next unlock and the growing delays: TryLater
    while one runs)."""
    _refuse_too_soon(profile)
    try:
        store = store_db.open_store(profile, passphrase)
    except WrongPassphrase:
        audit.note_failed_unlock(profile)
        raise
    after_unlock(store)
    ready_for_use()
    return store


def check_recovery_key(profile: Path, recovery_key: str) -> None:
    """Whether the typed recovery key opens the profile, before a new passphrase is asked; a wrong one is
    counted like a wrong passphrase (the growing delays, the audit log); a typing error that the key's form
    and check characters catch is not."""
    _refuse_too_soon(profile)
    try:
        store_db.recovery_key_material(profile, recovery_key)
    except store_db.RecoveryKeyMistyped:
        raise  # a typing error, told as such: not a guess
    except WrongPassphrase:
        audit.note_failed_unlock(profile)
        raise


def unlock_with_recovery_key(profile: Path, recovery_key: str, new_passphrase: str, repeated: str) -> store_db.Store:
    """Open a profile whose passphrase is forgotten: the recovery key from the printed sheet, and a new
    passphrase, checked like any new one, which replaces the old. A wrong key counts as a wrong try."""
    _refuse_too_soon(profile)
    check_new_passphrase(new_passphrase, repeated)
    try:
        store = store_db.open_with_recovery_key(profile, recovery_key, new_passphrase)
    except WrongPassphrase:
        audit.note_failed_unlock(profile)
        raise
    after_unlock(store)
    ready_for_use()
    audit.record("recovery_key_used")
    audit.record("passphrase_changed", detail="recovery")
    log.info("profile opened with its recovery key; a new passphrase was set")
    return store


def change_passphrase(current_passphrase: str, new_passphrase: str, repeated: str) -> None:
    """Replace the open profile's passphrase (profile.json is replaced in one atomic step: an interruption
    leaves the old passphrase or the new one working)."""
    if not store_db.passphrase_matches(current_passphrase):
        raise WrongPassphrase(_("The current passphrase is not correct."))
    check_new_passphrase(new_passphrase, repeated)
    if new_passphrase == current_passphrase:
        raise ValidationError(_("The new passphrase is the same as the current one."))
    store = store_db.current()
    store_db.set_passphrase(store.path, store.db._key_material, new_passphrase)
    audit.record("passphrase_changed")
    log.info("profile passphrase changed")


def make_recovery_key(text: str | None = None) -> str:
    """Make ``text`` (from keys.recovery.new_recovery_key, once it is printed or shown) or a new key the
    open profile's recovery key, in its printed form; the previous one stops working. It is not stored
    anywhere but wrapped."""
    store = store_db.current()
    text = store_db.new_recovery_key(store.path, store.db._key_material, dt.date.today().isoformat(), text)
    audit.record("passphrase_changed", detail="new_recovery_key")
    log.info("new recovery key made")
    return text


def recovery_key_made() -> str | None:
    """When the open profile's recovery key was made (ISO date), or None when it has none."""
    settings = store_db.meta.key_settings(store_db.current().path)
    return settings.recovery_made if "recovery" in settings.wraps else None


def passphrase_matches(passphrase: str) -> bool:
    """Whether ``passphrase`` opens the profile that is open now (the screen lock asks for it); the
    answer goes into the audit log."""
    matches = store_db.passphrase_matches(passphrase)
    audit.record("unlock" if matches else "failed_unlock", count=None if matches else 1, detail="screen_lock")
    return matches


def after_unlock(store: store_db.Store) -> None:
    """What may only happen once the profile is open: logging to its folder, the audit log's entries."""
    logs.setup_logging(store.path)
    log.info("profile opened")
    audit.after_unlock(store)


def ready_for_use() -> None:
    """What the open profile needs before the app or a CLI command uses it: the offices of the shipped
    directory (one query once they are there). Called by every way of opening a profile for use."""
    directory.seed()


def set_language(profile: Path, language: str) -> None:
    """Remember the UI language of a profile and switch to it."""
    i18n.set_language(language)
    if store_db.profile_exists(profile):
        store_db.write_profile_meta(profile, language=language)


def device_name() -> str:
    return store_db.current().get_setting("device_name")


def volunteer_name() -> str:
    store = store_db.current()
    if not store.volunteer_id:
        return ""
    volunteer = Volunteer.get_or_none(Volunteer.id == store.volunteer_id)
    return volunteer.name if volunteer else ""
