"""Digital signatures on report PDFs (PAdES baseline B-B, pyHanko) and their verification.

Signing uses the commune's certificate and key that the administrator configures
(``REPORT_SIGNING_CERT``, ``REPORT_SIGNING_KEY``, ``REPORT_SIGNING_KEY_PASSPHRASE``); for the
demo, ``manage.py create_demo_certificate`` makes a self-signed pair under ``var/signing/``.

The visible part of the signature sits in the blank space between the signer's title and name
(where the handwritten signature goes on paper, Decree 30/2020): a small blue box saying who
signed and when, in ISO 8601 with the Vietnamese offset. It is drawn by WeasyPrint with the
shipped Liberation Serif, so the signed PDF still embeds no other font. The signing time of the
signature itself is the real time of signing.

``verify_report_pdf(data)`` never raises on bad input: it answers with a ``VerificationResult``
whose ``status`` says signed by the commune and intact, altered, modified after signing, signed
by someone else, unsigned, encrypted or unreadable.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import weasyprint
from asn1crypto import x509
from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature as _validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from weasyprint.text.fonts import FontConfiguration

from reports.renderers.pdf import FONT_DIR, LocalFetcher, SignatureBox, font_face_css
from reports.snapshot import VIETNAM, ReportSnapshot

logger = logging.getLogger(__name__)

T = TypeVar("T")
SIGNATURE_FIELD = "ChuKySoUBND"
STAMP_TEMPLATE = "reports/pdf/signature_stamp.html"
#: Size of the visible signature, in PDF points (about 64 × 16 mm).
STAMP_WIDTH = 182.0
STAMP_HEIGHT = 44.0


def _outside_event_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call one of pyHanko's synchronous functions, which run ``asyncio.run()`` inside.

    Under a running event loop (an async caller, Playwright's sync API in the browser tests)
    that would fail, so the call then goes to a short-lived worker thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def validate_pdf_signature(*args: Any, **kwargs: Any) -> object:
    return _outside_event_loop(_validate_pdf_signature, *args, **kwargs)


class SigningNotConfigured(RuntimeError):
    """No certificate and key are configured (or they cannot be loaded)."""


@dataclass(frozen=True)
class SigningCredentials:
    cert_path: Path
    key_path: Path
    passphrase: str = ""

    @classmethod
    def from_settings(cls) -> SigningCredentials:
        cert, key = settings.REPORT_SIGNING_CERT, settings.REPORT_SIGNING_KEY
        if not cert or not key:
            raise SigningNotConfigured(
                "No signing certificate: set REPORT_SIGNING_CERT and REPORT_SIGNING_KEY "
                "(or run `python manage.py create_demo_certificate` for the demo)."
            )
        return cls(Path(cert), Path(key), settings.REPORT_SIGNING_KEY_PASSPHRASE)

    def signer(self) -> signers.SimpleSigner:
        passphrase = self.passphrase.encode("utf-8") if self.passphrase else None
        signer = signers.SimpleSigner.load(
            str(self.key_path), str(self.cert_path), key_passphrase=passphrase
        )
        if signer is None:  # pyHanko logs the cause and returns None
            raise SigningNotConfigured(
                f"Cannot load the signing key {self.key_path} and certificate {self.cert_path} "
                "(wrong passphrase or not PEM/DER?)."
            )
        return signer

    def certificate(self) -> x509.Certificate:
        return load_cert_from_pemder(str(self.cert_path))


def configured_certificate() -> x509.Certificate | None:
    """The commune's certificate from the settings, or None when none is configured."""
    path = settings.REPORT_SIGNING_CERT
    if not path:
        return None
    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as error:
        raise SigningNotConfigured(f"Cannot read the certificate {path}: {error}") from error


def _name_part(name: x509.Name, key: str) -> str:
    return str(name.native.get(key, "")) if name is not None else ""


# --- Signing ------------------------------------------------------------------------------------
class _PdfBytesContent(content.PdfContent):
    """The first page of an in-memory PDF, as appearance content (pyHanko imports it)."""

    resource_name = "/SonMaiStamp"

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data

    def render(self) -> bytes:
        reader = PdfFileReader(io.BytesIO(self.data))
        xobject = self._ensure_writer.import_page_as_xobject(reader, page_ix=0)
        self.resources.xobject[self.resource_name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return f"{self.resource_name} Do".encode("ascii")


def render_stamp(*, signer_name: str, code: str, signed_at: datetime.datetime) -> bytes:
    """The visible signature as a one-page PDF of ``STAMP_WIDTH`` × ``STAMP_HEIGHT`` points."""
    fetcher = LocalFetcher()
    font_config = FontConfiguration()
    with translation.override("vi"):
        html = render_to_string(
            STAMP_TEMPLATE,
            {
                "signer_name": signer_name,
                "code": code,
                "signed_at": iso_vietnam(signed_at),
                "width": f"{STAMP_WIDTH:.1f}pt",
                "height": f"{STAMP_HEIGHT:.1f}pt",
            },
        )
    return weasyprint.HTML(string=html, base_url=str(FONT_DIR), url_fetcher=fetcher).write_pdf(
        stylesheets=[
            weasyprint.CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher)
        ],
        font_config=font_config,
    )


def iso_vietnam(moment: datetime.datetime) -> str:
    """ "2026-02-19T09:30:15+07:00"."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def _stamp_rectangle(box: SignatureBox) -> tuple[int, int, int, int]:
    """The stamp centred in the blank space between the signer's title and name."""
    centre_x = (box.x1 + box.x2) / 2
    centre_y = (box.y1 + box.y2) / 2
    return (
        round(centre_x - STAMP_WIDTH / 2),
        round(centre_y - STAMP_HEIGHT / 2),
        round(centre_x + STAMP_WIDTH / 2),
        round(centre_y + STAMP_HEIGHT / 2),
    )


def sign_report_pdf(
    pdf: bytes,
    *,
    snapshot: ReportSnapshot,
    box: SignatureBox,
    credentials: SigningCredentials | None = None,
) -> bytes:
    """Sign ``pdf`` (the rendering of ``snapshot``) with the commune's certificate.

    Returns the signed PDF: the original bytes followed by one incremental update holding the
    signature (PAdES B-B, SHA-256) and its visible appearance at ``box``.
    """
    if snapshot.is_draft:
        raise SigningError("A draft is never signed: approve and number the report first.")
    credentials = credentials or SigningCredentials.from_settings()
    signer = credentials.signer()
    subject = signer.signing_cert.subject
    signer_name = _name_part(subject, "organization_name") or _name_part(subject, "common_name")
    stamp = render_stamp(signer_name=signer_name, code=snapshot.code, signed_at=timezone.now())
    with translation.override("vi"):
        reason = _("Phê duyệt báo cáo số %(code)s") % {"code": snapshot.code}
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=snapshot.organisation.place_name,
        name=_name_part(subject, "common_name"),
        contact_info=snapshot.organisation.email or None,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        stamp_style=StaticStampStyle(
            background=_PdfBytesContent(stamp), background_opacity=1.0, border_width=0
        ),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=SIGNATURE_FIELD, on_page=box.page_index, box=_stamp_rectangle(box)
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return _outside_event_loop(pdf_signer.sign_pdf, writer).getvalue()


def create_self_signed_certificate(
    directory: Path,
    *,
    common_name: str,
    organisation: str,
    locality: str = "",
    province: str = "",
    days: int = 3 * 365,
    now: datetime.datetime | None = None,
) -> SigningCredentials:
    """A self-signed RSA-3072 certificate and key for document signing, written as PEM files.

    For demonstrations and tests only: a real commune signs with a certificate issued by a
    trusted authority. The key file is readable by its owner only.
    """
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = now or timezone.now()
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    attributes = [cx509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if province:
        attributes.append(cx509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province))
    if locality:
        attributes.append(cx509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    attributes += [
        cx509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        cx509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    name = cx509.Name(attributes)
    certificate = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            cx509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            cx509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(cx509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = (directory / name for name in settings.REPORT_SIGNING_DEMO_FILES)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600, exist_ok=True)
    key_path.chmod(0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return SigningCredentials(cert_path, key_path)


# --- Verification -------------------------------------------------------------------------------
class VerificationStatus(models.TextChoices):
    VALID = "valid", gettext_lazy("Chữ ký hợp lệ, văn bản còn nguyên vẹn")
    NOT_CONFIGURED = "not_configured", gettext_lazy("Chưa cấu hình chứng thư số của cơ quan")
    OTHER_SIGNER = "other_signer", gettext_lazy("Ký bởi chứng thư số khác")
    MODIFIED = "modified", gettext_lazy("Văn bản bị sửa đổi sau khi ký")
    ALTERED = "altered", gettext_lazy("Văn bản đã bị thay đổi")
    INVALID = "invalid", gettext_lazy("Chữ ký không hợp lệ")
    UNSIGNED = "unsigned", gettext_lazy("Văn bản chưa được ký số")
    ENCRYPTED = "encrypted", gettext_lazy("Tệp PDF được mã hóa")
    UNREADABLE = "unreadable", gettext_lazy("Không đọc được tệp PDF")


@dataclass(frozen=True)
class VerificationResult:
    """What the verification found; ``message`` says it in one Vietnamese sentence."""

    status: VerificationStatus
    signed: bool = False
    signature_count: int = 0
    signer_common_name: str = ""
    signer_organisation: str = ""
    signing_time: datetime.datetime | None = None
    intact: bool = False  # the signed bytes hash to what was signed
    valid: bool = False  # the signature over that hash is cryptographically valid
    covers_whole_file: bool = False  # nothing was appended after the signature
    is_commune_certificate: bool = False  # chains to the configured certificate

    @property
    def ok(self) -> bool:
        return self.status == VerificationStatus.VALID

    @property
    def message(self) -> str:
        signer = self.signer_common_name or self.signer_organisation
        if self.status == VerificationStatus.VALID:
            return _("Văn bản do %(signer)s ký số, còn nguyên vẹn, chữ ký hợp lệ.") % {
                "signer": signer
            }
        if self.status == VerificationStatus.OTHER_SIGNER:
            return _(
                "Văn bản được ký số bởi “%(signer)s”, không phải chứng thư số của cơ quan; "
                "không xác nhận được là văn bản của cơ quan."
            ) % {"signer": signer}
        if self.status == VerificationStatus.NOT_CONFIGURED:
            return _(
                "Chữ ký của “%(signer)s” hợp lệ và văn bản còn nguyên vẹn, nhưng chưa cấu hình "
                "chứng thư số của cơ quan để đối chiếu."
            ) % {"signer": signer}
        messages = {
            VerificationStatus.MODIFIED: _(
                "Văn bản đã bị bổ sung, sửa đổi sau khi ký số: nội dung hiện tại không còn là "
                "nội dung đã ký."
            ),
            VerificationStatus.ALTERED: _(
                "Văn bản đã bị thay đổi sau khi ký: nội dung không còn khớp với chữ ký số."
            ),
            VerificationStatus.INVALID: _("Chữ ký số trong văn bản không hợp lệ."),
            VerificationStatus.UNSIGNED: _("Văn bản không có chữ ký số."),
            VerificationStatus.ENCRYPTED: _(
                "Tệp PDF được đặt mật khẩu (mã hóa) nên không kiểm tra được chữ ký."
            ),
            VerificationStatus.UNREADABLE: _(
                "Không đọc được tệp: tệp không phải PDF hoặc đã bị hỏng."
            ),
        }
        return messages[self.status]


def verify_report_pdf(data: bytes) -> VerificationResult:
    """Check the signatures of a PDF against the commune's configured certificate."""
    trusted = configured_certificate()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return VerificationResult(VerificationStatus.ENCRYPTED)
        embedded = list(reader.embedded_regular_signatures)
    except Exception:  # any parsing failure of untrusted input means "unreadable"
        logger.info("Unreadable PDF submitted for verification", exc_info=True)
        return VerificationResult(VerificationStatus.UNREADABLE)
    if not embedded:
        return VerificationResult(VerificationStatus.UNSIGNED)
    # The commune's signature is the one that matters; with several, judge the last one.
    signature = embedded[-1]
    base = {"signed": True, "signature_count": len(embedded)}
    try:
        context = ValidationContext(
            trust_roots=[trusted] if trusted is not None else [], allow_fetching=False
        )
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception:  # a damaged signature container is an invalid signature
        logger.info("Signature could not be validated", exc_info=True)
        return VerificationResult(VerificationStatus.INVALID, **base)
    cert = status.signing_cert
    found = {
        **base,
        "signer_common_name": _name_part(cert.subject, "common_name"),
        "signer_organisation": _name_part(cert.subject, "organization_name"),
        "signing_time": status.signer_reported_dt,
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "covers_whole_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        "is_commune_certificate": trusted is not None
        and status.trust_problem_indic is None
        and status.validation_path is not None,
    }
    if not status.intact:
        return VerificationResult(VerificationStatus.ALTERED, **found)
    if not status.valid:
        return VerificationResult(VerificationStatus.INVALID, **found)
    if not found["covers_whole_file"]:
        return VerificationResult(VerificationStatus.MODIFIED, **found)
    if trusted is None:
        return VerificationResult(VerificationStatus.NOT_CONFIGURED, **found)
    if not found["is_commune_certificate"]:
        return VerificationResult(VerificationStatus.OTHER_SIGNER, **found)
    return VerificationResult(VerificationStatus.VALID, **found)


def demo_subject() -> dict[str, str]:
    """Whom the demo certificate names: the organisation that hosts the portal (the first one,
    in a deployment that hosts several)."""
    from django.db import DatabaseError

    from units.models import Organisation

    try:
        commune = Organisation.objects.filter(hosts_portal=True).select_related("parent").first()
    except DatabaseError:  # no database yet (before the first migrate): a generic subject
        commune = None
    if commune is None:
        name = "Cổng theo dõi nhiệm vụ (chứng thư mẫu)"
        return {"common_name": name, "organisation": name}
    return {
        "common_name": commune.short_name or commune.name,
        "organisation": commune.name,
        "locality": commune.place_name,
        "province": commune.province_name,
    }


def demo_credentials(
    directory: Path | None = None,
    *,
    create: bool = True,
    force: bool = False,
    subject: dict[str, str] | None = None,
) -> SigningCredentials | None:
    """The demo's self-signed pair: the files ``REPORT_SIGNING_DEMO_FILES`` in ``directory``
    (``REPORT_SIGNING_DIR`` by default). Made when missing (or when ``force``) for ``subject``
    (by default the commune that hosts the portal, ``demo_subject()``); None when missing and
    not ``create``. The one place the demo certificate is looked up."""
    directory = Path(directory or settings.REPORT_SIGNING_DIR)
    cert, key = (directory / name for name in settings.REPORT_SIGNING_DEMO_FILES)
    if cert.is_file() and key.is_file() and not force:
        return SigningCredentials(cert, key)
    if not create:
        return None
    return create_self_signed_certificate(directory, **(subject or demo_subject()))


def commune_credentials(
    *, allow_demo: bool | None = None, subject: dict[str, str] | None = None
) -> SigningCredentials:
    """The configured certificate; when none is configured and ``allow_demo`` (by default:
    with ``DEBUG`` on), the demo one, created on first use (see ``demo_credentials``)."""
    if settings.REPORT_SIGNING_CERT and settings.REPORT_SIGNING_KEY:
        return SigningCredentials.from_settings()
    if not (settings.DEBUG if allow_demo is None else allow_demo):
        return SigningCredentials.from_settings()  # raises SigningNotConfigured
    return demo_credentials(subject=subject)
