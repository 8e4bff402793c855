"""Which of an organisation's units a name in a document means.

Documents name units loosely: "Phòng Văn hóa – Xã hội", "Thủ trưởng các bộ phận chuyên môn
thuộc UBND xã", "Trưởng thôn", "các thôn", "Văn phòng". ``UnitMatcher.match`` turns such a name
into units, comparing without accents, case or punctuation, and says how sure it is; a name
that is not one of the commune's units (Công an xã, the province's departments, "các cơ quan,
đơn vị liên quan") matches nothing and is left for the clerk to map.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sonmai.lib.vntext import name_key
from units.choices import UnitKind

# Words that only say who inside the unit acts ("Thủ trưởng", "Trưởng phòng"): dropped.
_PERSON = re.compile(
    r"^(?:giao |de nghi |yeu cau )?(?:thu truong|lanh dao|nguoi dung dau|ban giam hieu|"
    r"hieu truong|tram truong|giam doc|chanh van phong|truong phong)\s+"
)
_OWN_BODY = re.compile(r"\s+(?:thuoc|cua|truc thuoc)\s+(?:uy ban nhan dan|ubnd)(?:\s+xa)?.*$")
_EXTERNAL = re.compile(
    r"^(?:hoi|so|cong an|ban chi huy|quan su|mat tran|doan|chi bo|dang uy|uy ban kiem tra|huyen|"
    r"tinh)\b|cap tren|cap tinh|\blien quan\b"
)


@dataclass
class UnitMatch:
    name: str
    units: list = field(default_factory=list)
    how: str = ""  # "name", "group", or "" when nothing matched

    @property
    def matched(self) -> bool:
        return bool(self.units)


class UnitMatcher:
    """Matches names against one organisation's active units (load once, match many)."""

    def __init__(self, units: Iterable, place: str = "") -> None:
        self.units = [unit for unit in units if unit.is_active]
        # "Phòng Kinh tế xã Sơn Mai", "Văn phòng HĐND và UBND xã": the commune's own name.
        place_key = re.escape(name_key(place)) if place else r"(?!)"
        self.trailing_place = re.compile(rf"\s+(?:xa|phuong|thi tran)(?:\s+{place_key})?$")
        self.by_key: dict[str, list] = {}
        for unit in self.units:
            for text in {unit.name, unit.display_name, unit.code}:
                if text:
                    self.by_key.setdefault(name_key(text), []).append(unit)

    def _kind(self, *kinds: str) -> list:
        return [unit for unit in self.units if unit.kind in kinds]

    def match(self, name: str) -> UnitMatch:
        result = UnitMatch(name=name)
        key = name_key(name)
        key = _PERSON.sub("", key)
        if key in self.by_key:
            result.units, result.how = list(dict.fromkeys(self.by_key[key])), "name"
            return result
        group = self._group(key)
        if group is not None:
            result.units, result.how = group, "group"
            return result
        bare = self.trailing_place.sub("", _OWN_BODY.sub("", key)).strip()
        for candidate in (bare, key):
            if candidate in self.by_key:
                result.units, result.how = list(dict.fromkeys(self.by_key[candidate])), "name"
                return result
        if bare and not _EXTERNAL.search(bare):
            # "Phòng VHXH": a kind word before the unit's code.
            code = re.sub(r"^(?:phong|tram|truong|trung tam|van phong)\s+", "", bare)
            if code != bare and code in self.by_key:
                result.units, result.how = list(dict.fromkeys(self.by_key[code])), "name"
                return result
            starts = [u for u in self.units if name_key(u.name).startswith(bare)]
            within = [u for u in self.units if len(bare) >= 8 and bare in name_key(u.name)]
            inside = [
                u for u in self.units if len(name_key(u.name)) > 6 and name_key(u.name) in bare
            ]
            for found in (starts, inside, within):
                if len(found) == 1:
                    result.units, result.how = found, "name"
                    return result
        return result

    def _group(self, key: str) -> list | None:
        """Units meant by a collective name, or None when the name is not one."""
        plural = key.startswith("cac ") or " cac " in f" {key} "
        if (
            re.search(r"(?:^|\s)(?:cac thon|truong (?:cac )?thon|thon to dan pho)(?:\s|$)", key)
            or key == "thon"
        ):
            return self._kind(UnitKind.HAMLET) or None
        if (
            "bo phan chuyen mon" in key
            or re.search(r"cac phong(?: chuyen mon| ban)?(?:\s|$)", key)
            or "co quan chuyen mon thuoc" in key
        ):
            if "cap tren" in key or "tinh" in key.split():
                return None
            return self._kind(UnitKind.DEPARTMENT) or None
        if plural and re.search(
            r"(?:^|\s)cac truong(?: hoc)?(?:\s|$)|truong hoc tren dia ban", key
        ):
            return self._kind(UnitKind.SCHOOL) or None
        if re.search(
            r"cac (?:co quan|don vi)(?: don vi)?(?: thuoc| truc thuoc)? (?:uy ban nhan dan|ubnd)",
            key,
        ) or key in ("cac co quan don vi", "cac don vi", "cac co quan"):
            return [u for u in self.units if u.kind != UnitKind.HAMLET] or None
        return None


# --- Issuing bodies --------------------------------------------------------------------------
_ABBREVIATIONS = [
    (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"),
    (re.compile(r"\bbch\b"), "ban chap hanh"),
    (re.compile(r"\btw\b"), "trung uong"),
]
_PLACE_WORDS = (
    "tỉnh",
    "huyện",
    "xã",
    "phường",
    "quận",
    "thị xã",
    "thị trấn",
    "thành phố",
    "đặc khu",
)


def organisation_key(name: str) -> str:
    key = name_key(name)
    for pattern, expansion in _ABBREVIATIONS:
        key = pattern.sub(expansion, key)
    return key


def organisation_level(name: str) -> str:
    """The level a body's name says it has ("Huyện ủy …" is a local Party committee)."""
    from units.choices import OrganisationLevel as Level

    key = organisation_key(name)
    if re.search(r"trung uong dang|bo chinh tri|ban bi thu|ban chap hanh trung uong", key):
        return Level.PARTY_CENTRAL
    if re.search(r"\b(?:tinh|huyen|thanh|quan|thi|dang) uy\b|\bdang bo\b|\bchi bo\b|dang uy", key):
        return Level.PARTY_LOCAL
    if re.search(r"\b(?:chinh phu|thu tuong|quoc hoi|bo [a-z]|van phong chinh phu)", key):
        return Level.STATE_CENTRAL
    if re.search(r"^so |\bso [a-z]", key):
        return Level.PROVINCE_DEPARTMENT
    if re.search(r"\btinh\b", key):
        return Level.PROVINCE
    if re.search(r"\b(?:huyen|quan|thi xa)\b", key):
        return Level.DISTRICT
    if re.search(r"\b(?:xa|phuong|thi tran|dac khu)\b", key):
        return Level.COMMUNE
    return Level.OTHER


_PROPER = {"trung ương": "Trung ương", "chính phủ": "Chính phủ", "quốc hội": "Quốc hội"}


def display_name(printed: str) -> str:
    """A body's name as prose from its printed capitals: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" →
    "Ủy ban nhân dân tỉnh Quảng Ngãi", "SỞ NỘI VỤ" → "Sở Nội vụ". Names already in mixed case
    are kept as written."""
    printed = " ".join(printed.split())
    if not printed.isupper():
        return printed
    words = printed.lower().split()
    out: list[str] = []
    proper_from = len(words)
    for index, word in enumerate(words):
        two = " ".join(words[index : index + 2])
        if two == "xã hội":
            continue
        if (word in _PLACE_WORDS or two in _PLACE_WORDS) and index < proper_from:
            # The place name follows ("tỉnh Quảng Ngãi"), after "ủy" in "Huyện ủy Tư Nghĩa".
            step = 2 if two in _PLACE_WORDS else 1
            after = index + step
            proper_from = after + 1 if after < len(words) and words[after] == "ủy" else after
    for index, word in enumerate(words):
        previous = " ".join(words[max(0, index - 2) : index])
        capital = (
            index == 0
            or index >= proper_from
            or (words[index - 1] in ("sở", "bộ", "ban") and previous != "ủy ban")
            or (words[index - 1] == "phòng" and not previous.endswith("văn phòng"))
            or previous.endswith("văn phòng")
        )
        # "Văn hóa - Xã hội", "Kinh tế - Hạ tầng": each side of the dash is a name.
        capital = capital or (index > 0 and words[index - 1] == "-")
        out.append(word[:1].upper() + word[1:] if capital else word)
    text = " ".join(out)
    for phrase, proper in _PROPER.items():
        text = re.sub(rf"\b{phrase}\b", proper, text, flags=re.IGNORECASE)
    return text


def find_organisation(name: str, candidates: Iterable) -> object | None:
    """The known organisation ``name`` means (by full name, short name or printed header)."""
    key = organisation_key(name)
    if not key:
        return None
    for organisation in candidates:
        keys = {
            organisation_key(organisation.name),
            organisation_key(organisation.short_name or ""),
            organisation_key(" ".join(organisation.header_lines)),
        }
        if key in keys - {""}:
            return organisation
    return None
