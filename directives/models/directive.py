from __future__ import annotations

import re
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from directives.choices import (
    DOCUMENT_TYPE_ABBREVIATIONS,
    DOCUMENT_TYPE_SHORT,
    DocumentType,
    SignerAuthority,
    TaskType,
)
from sonmai.lib import vndate
from sonmai.lib.fields import NFCCharField, NFCTextField
from sonmai.lib.vntext import fold, nfc
from units.models import Organisation, Unit


class Directive(models.Model):
    """A directing document (văn bản chỉ đạo), whoever issued it.

    The documents a directive implements are its legal basis (căn cứ); following ``basis``
    upwards gives the chain Kết luận 221-KL/TW → Công văn 120/UBND-NC → the commune's dispatch.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan theo dõi"),
        on_delete=models.PROTECT,
        related_name="directives",
        help_text=_("Cơ quan dùng cổng này để theo dõi văn bản."),
    )
    document_type = models.CharField(_("loại văn bản"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(
        _("số"), max_length=20, blank=True, help_text=_("Để trống khi văn bản chưa cấp số.")
    )
    symbol = NFCCharField(
        _("ký hiệu"), max_length=50, help_text=_("Ví dụ: KL/TW, UBND-NC, UBND-VP.")
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issued_month = models.PositiveSmallIntegerField(
        _("tháng ban hành"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Dùng khi văn bản chưa ghi ngày cụ thể."),
    )
    issued_year = models.PositiveSmallIntegerField(_("năm ban hành"), null=True, blank=True)
    issuing_body = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_directives",
        help_text=_("Để trống khi văn bản được dẫn mà không ghi cơ quan ban hành."),
    )
    subject = NFCTextField(_("trích yếu"))
    signer_authority = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=SignerAuthority.choices, blank=True
    )
    signer_title = NFCCharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = NFCCharField(_("người ký"), max_length=100, blank=True)
    addressees = NFCTextField(_("kính gửi"), blank=True, help_text=_("Mỗi dòng một nơi."))
    preamble = NFCTextField(_("phần mở đầu"), blank=True)
    closing = NFCTextField(_("phần kết"), blank=True)
    distribution = NFCTextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi."))
    attachments = NFCTextField(
        _("tài liệu kèm theo"), blank=True, help_text=_("Phụ lục, tài liệu gửi kèm; mỗi dòng một.")
    )
    original_file = models.FileField(_("tệp văn bản gốc"), upload_to="directives/%Y/", blank=True)
    basis = models.ManyToManyField(
        "self",
        verbose_name=_("căn cứ, thực hiện văn bản"),
        symmetrical=False,
        blank=True,
        related_name="implementations",
    )
    monitoring_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị theo dõi, tổng hợp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitored_directives",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-issued_year", "-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One place for the subject rule, whatever path saves the directive.
        self.subject = normalise_subject(self.subject)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.issued_on:
            self.issued_month = self.issued_on.month
            self.issued_year = self.issued_on.year
        self.subject = normalise_subject(self.subject)

    @property
    def is_dispatch(self) -> bool:
        """A công văn: its subject is printed "V/v …" under the number."""
        return self.document_type == DocumentType.DISPATCH

    @property
    def is_party_document(self) -> bool:
        """Party numbering ("221-KL/TW"): from the issuer when known, else from the symbol's
        shape (type/issuer, "KL/TW", against the state's "UBND-NC" and "2021/QĐ-TTg")."""
        if self.issuing_body_id:
            return self.issuing_body.is_party_body
        symbol = self.symbol
        return "/" in symbol and "-" not in symbol and not symbol[:4].isdigit()

    @property
    def type_abbreviation(self) -> str:
        return DOCUMENT_TYPE_ABBREVIATIONS.get(self.document_type, "")

    def format_code(self, blank: str = "…") -> str:
        """Number and symbol: "221-KL/TW" for Party documents, "120/UBND-NC" for state ones.

        A document not yet numbered shows ``blank`` where the number will go.
        """
        separator = "-" if self.is_party_document else "/"
        return f"{self.number or blank}{separator}{self.symbol}"

    @property
    def code(self) -> str:
        return self.format_code()

    @property
    def number_line(self) -> str:
        """The header's line: "Số: 120/UBND-NC" (state) or "Số 221-KL/TW" (Party)."""
        prefix = "Số" if self.is_party_document else "Số:"
        return f"{prefix} {self.format_code(blank=chr(0x2003) * 3)}"

    @property
    def date_text(self) -> str:
        if self.issued_on:
            return vndate.short_date(self.issued_on)
        if self.issued_month and self.issued_year:
            return f"tháng {self.issued_month:02d}/{self.issued_year}"
        return ""

    @property
    def title(self) -> str:
        """ "Kết luận số 221-KL/TW ngày 28/11/2025 của Bộ Chính trị, Ban Bí thư".

        A document's official citation, in Vietnamese on an English page too.
        """
        with translation.override("vi"):
            kind = str(self.get_document_type_display())
        parts = [f"{kind} số {self.code}"]
        if self.issued_on:
            parts.append(f"ngày {vndate.short_date(self.issued_on)}")
        elif self.date_text:
            parts.append(self.date_text)
        if self.issuing_body_id:
            parts.append(f"của {self.issuing_body.short_name or self.issuing_body.name}")
        return " ".join(parts)

    @property
    def short_label(self) -> str:
        """How labels name the directive when several are followed: "CV 45", "KH 12"."""
        kind = DOCUMENT_TYPE_SHORT.get(self.document_type, "")
        return f"{kind} {self.number or self.format_code()}".strip()

    @property
    def place_date_line(self) -> str:
        return vndate.place_date_line(
            self.issuing_body.place_name if self.issuing_body_id else "",
            self.issued_on,
            month=self.issued_month,
            year=self.issued_year,
        )

    @property
    def signer_authority_lines(self) -> list[str]:
        """The block above the signer's name, e.g. ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"].

        At a People's Committee the head is the chairman, so KT./TL./TUQ. sign for "CHỦ TỊCH".
        """
        title = self.signer_title.upper()
        if self.signer_authority == SignerAuthority.ON_BEHALF:
            body = self.issuing_body.header_lines[:1] if self.issuing_body_id else []
            if not body and self.issuing_body_id:
                body = [self.issuing_body.name.upper()]
            return [f"TM. {body[0]}", title] if body else [title]
        if self.signer_authority == SignerAuthority.ACTING:
            return [f"Q. {title}"]
        if self.signer_authority:
            return [f"{self.signer_authority} CHỦ TỊCH", title]
        return [title] if title else []

    def basis_chain(self) -> list[Directive]:
        """The documents this one implements, the most remote first (breadth-first, no cycles)."""
        seen: set[int] = {self.pk}
        chain: list[Directive] = []
        frontier = [self]
        while frontier:
            parents = [
                parent
                for directive in frontier
                for parent in directive.basis.select_related("issuing_body")
                if parent.pk not in seen
            ]
            for parent in parents:
                seen.add(parent.pk)
            chain = parents + chain
            frontier = parents
        return chain


_SUBJECT_PREFIX = re.compile(r"^\s*(?:V/v|V/V|v/v|Về việc|về việc|VỀ VIỆC)\s*:?\s*")


def normalise_subject(subject: str) -> str:
    """The subject without a typed "V/v" or "Về việc" (the page and the report add their own)
    and without a final period."""
    subject = nfc(" ".join((subject or "").split()))
    while _SUBJECT_PREFIX.match(subject):
        subject = _SUBJECT_PREFIX.sub("", subject, count=1)
    return subject.rstrip(" .")


class Section(models.Model):
    """A numbered part of a directive ("1. Trách nhiệm của …"), or the unnamed body of one
    whose tasks are not in numbered parts (blank title)."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveSmallIntegerField(_("mục số"))
    title = NFCTextField(_("tiêu đề mục"), blank=True)

    class Meta:
        verbose_name = _("mục")
        verbose_name_plural = _("mục")
        ordering = ["directive", "number"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "number"], name="section_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.directive.short_label} · {self.number}. {self.title}".strip()


class Task(models.Model):
    """One task of a section, word for word, cited by its place in the source."""

    section = models.ForeignKey(
        Section, verbose_name=_("mục"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(_("ý số"), help_text=_("Thứ tự của ý trong mục."))
    text = NFCTextField(_("nội dung nhiệm vụ"), help_text=_("Nguyên văn như trong văn bản."))
    short_title = NFCCharField(
        _("tên ngắn"), max_length=160, help_text=_("Tên gọn để hiển thị trong danh sách.")
    )
    task_type = models.CharField(
        _("loại nhiệm vụ"), max_length=20, choices=TaskType.choices, default=TaskType.DO
    )
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["section__directive", "section__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="task_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.citation}: {self.short_title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.short_title} {self.text}")
        super().save(*args, **kwargs)

    @staticmethod
    def derive_short_title(text: str, limit: int = 90) -> str:
        """A list-friendly name from the task's words: its first clause, cut at a word."""
        text = " ".join(nfc(text or "").split()).lstrip("-+• ")
        first = re.split(r"[;:.](?:\s|$)|,\s(?=(?:đồng thời|trong đó|nhằm|để)\b)", text)[0]
        if len(first) <= limit:
            return first.rstrip(" ,")
        cut = first[:limit].rsplit(" ", 1)[0]
        return f"{cut.rstrip(' ,')}…"

    @property
    def citation(self) -> str:
        """Where the task sits in its source: "mục 1, ý 3"."""
        return f"mục {self.section.number}, ý {self.number}"

    @property
    def label(self) -> str:
        """The task named with its directive, for lists that mix directives: "CV 45 · 1.2"."""
        return f"{self.section.directive.short_label} · {self.section.number}.{self.number}"


class Indicator(models.Model):
    """A figure a task asks units to report (meetings held, participants, officials trained).

    Units enter a value with each progress update; values add up per reporting period.
    """

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = NFCCharField(_("tên chỉ tiêu"), max_length=160)
    unit_of_measure = NFCCharField(
        _("đơn vị tính"), max_length=30, help_text=_("Ví dụ: cuộc, lượt người, người.")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu báo cáo")
        verbose_name_plural = _("chỉ tiêu báo cáo")
        ordering = ["task", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "name"], name="indicator_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_of_measure})"
