"""vCard 4.0 (RFC 6350) for one person, with only the fields the viewer may see."""

from __future__ import annotations

from django.conf import settings

from intranet.people import display_name


def escape(value: str) -> str:
    """Escape a text value: backslash, comma, semicolon and line breaks (RFC 6350 3.4)."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold lines longer than 75 octets, as the RFC asks, without splitting a character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def vcard_for(person, shows: dict[str, bool]) -> str:
    profile = person.profile
    full_name = display_name(person)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{escape(full_name)}",
        f"N:{escape(person.last_name)};{escape(person.first_name)};;;",
    ]
    if person.email:
        lines.append(f"EMAIL;TYPE=work:{escape(person.email)}")
    if profile.job_title:
        lines.append(f"TITLE:{escape(profile.job_title)}")
    org = getattr(settings, "WAGTAIL_SITE_NAME", "")
    if profile.department:
        lines.append(f"ORG:{escape(org)};{escape(profile.department.name)}")
    if shows.get("phone"):
        if profile.phone:
            lines.append(f"TEL;TYPE=work,voice;VALUE=text:{escape(profile.phone)}")
        if profile.mobile:
            lines.append(f"TEL;TYPE=cell;VALUE=text:{escape(profile.mobile)}")
    if shows.get("location") and profile.location:
        lines.append(f"ADR;TYPE=work:;{escape(profile.location)};;;;;")
    if shows.get("birthday") and profile.birthday:
        lines.append(f"BDAY:{profile.birthday:%Y%m%d}")
    lines.append("END:VCARD")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
