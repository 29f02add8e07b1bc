"""The short bilingual post (German, then Ukrainian) of a need or an offer for the initiative's Telegram group.

Built ONLY from structured fields that name nobody: the kind, the category, town and district, the
languages, the time window's dates and "when" text, and a short reference so answers find the record.
Never a name, an address, a phone number, an e-mail, a birth date, the title, the notes or the provider's
name: free text may hold personal data, and the group is public.
"""

from __future__ import annotations

from desktop.core.network import labels, needs
from desktop.core.store.models import NeedOffer
from desktop.i18n import N_, fmt_date_german, gettext_in  # German and Ukrainian write dates alike

#: The languages of the post, in order.
POST_LANGUAGES = ("de", "uk")
#: Hex characters of the reference.
REFERENCE_LENGTH = 6

_HEADLINE = {"need": N_("Looking for: {category}"), "offer": N_("Offering: {category}")}
_PLACE = N_("Place: {place}")
_LANGUAGES = N_("Languages: {languages}")
_WHEN = N_("When: {when}")
_FROM = N_("from {date}")
_UNTIL = N_("until {date}")
_REFERENCE = N_("Please answer with the reference #{reference}")


def reference(record_id: str) -> str:
    """The short reference of a record: the last hex characters of its id (the first ones of a time-ordered
    id are its creation time and would be the same for records of one day)."""
    return record_id.replace("-", "")[-REFERENCE_LENGTH:].lower()


def find_by_reference(text: str) -> NeedOffer | None:
    """The need or offer whose id or short reference (with or without '#') this is; None when there is none
    or more than one."""
    text = text.strip().lstrip("#").lower()
    if not text:
        return None
    record = needs.live(text)
    if record is not None:
        return record
    if len(text) < REFERENCE_LENGTH:
        return None
    found = [r for r in NeedOffer.select().where(~NeedOffer.deleted & NeedOffer.id.endswith(text)) if r]
    return found[0] if len(found) == 1 else None


def _block(lang: str, record: NeedOffer) -> list[str]:
    def tr(message: str) -> str:
        return gettext_in(lang, message)

    category = labels.label_in(lang, labels.CATEGORY_LABELS, record.category)
    lines = [tr(_HEADLINE.get(record.kind, _HEADLINE["need"])).format(category=category)]
    place = ", ".join(p for p in (record.town.strip(), record.district.strip()) if p)
    if place:
        lines.append(tr(_PLACE).format(place=place))
    keys = labels.keys_of(record.languages)
    if keys:
        names = ", ".join(labels.label_in(lang, labels.LANGUAGE_LABELS, k) for k in keys)
        lines.append(tr(_LANGUAGES).format(languages=names))
    start, end = record.available_from, record.available_until
    if start and end:
        dates = f"{fmt_date_german(start)} – {fmt_date_german(end)}"
    elif start:
        dates = tr(_FROM).format(date=fmt_date_german(start))
    elif end:
        dates = tr(_UNTIL).format(date=fmt_date_german(end))
    else:
        dates = ""
    when = ", ".join(p for p in (dates, record.time_window.strip()) if p)
    if when:
        lines.append(tr(_WHEN).format(when=when))
    return lines


def post(record_id: str) -> str:
    """The post of a need or an offer: the German block, then the Ukrainian one, each ending with the
    reference to answer with."""
    record = needs.live(record_id)
    if record is None:
        raise LookupError(record_id)
    ref = reference(record.id)
    blocks = [
        "\n".join([*_block(lang, record), gettext_in(lang, _REFERENCE).format(reference=ref)])
        for lang in POST_LANGUAGES
    ]
    return "\n\n".join(blocks) + "\n"
