"""The signed report as an edXML package (QCVN 102:2016/BTTTT) for the clerk to pass on.

Element names and order follow the public sample messages of document-exchange systems
(shared/domain/edxml.md): ``edXMLEnvelope`` → ``edXMLHeader`` (``MessageHeader``,
``TraceHeaderList``) and ``edXMLBody`` → ``edXMLManifest`` with a ``Reference`` per attachment;
the attachments follow the envelope, base64-encoded, under ``AttachmentEncoded``.

Not included: the envelope's XML-DSig ``Signature``. Producing a real one needs an XML-DSig
implementation (``signxml`` or the national axis connector); a fake one would be worse than
none. The PDF inside carries the commune's PAdES signature, which is what proves the document.

Organisation ids come from configuration: the sender's from ``Organisation.edxml_organ_id``
(frozen in the snapshot), the receiver's from ``settings.EDXML_RECEIVER_ORGAN_ID``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from reports.snapshot import VIETNAM, ReportSnapshot

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
ORGAN_ID = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
#: Code of an administrative document in the client code tables; TypeName is always sent too.
DOCUMENT_TYPE_CODE = "1"
PRIORITY_NORMAL = "0"
NEW_DOCUMENT = "0"
PDF_CONTENT_ID = "cid:1"
TITLES = {
    "ỦY BAN NHÂN DÂN": "Ủy ban nhân dân",
    "CHỦ TỊCH": "Chủ tịch",
    "PHÓ CHỦ TỊCH": "Phó Chủ tịch",
}


class EdxmlError(ValueError):
    """The package cannot be built (a draft, or organisation ids missing or malformed)."""


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text:
        element.text = text
    return element


def _title_case(line: str) -> str:
    """ "TM. ỦY BAN NHÂN DÂN" → "TM. Ủy ban nhân dân"; "PHÓ CHỦ TỊCH" → "Phó Chủ tịch"."""
    prefix, _space, rest = (
        line.partition(" ") if line.split(" ")[0].endswith(".") else ("", "", line)
    )
    words = TITLES.get(rest, rest[:1] + rest[1:].lower())
    return f"{prefix} {words}".strip()


def attachment_name(snapshot: ReportSnapshot) -> str:
    """ "05-BC-UBND.pdf"."""
    return f"{snapshot.code.replace('/', '-')}.pdf"


def _organisation(
    parent: etree._Element,
    tag: str,
    *,
    organ_id: str,
    in_charge: str,
    name: str,
    address: str = "",
    email: str = "",
    phone: str = "",
    website: str = "",
) -> None:
    element = _add(parent, tag)
    for child, text in (
        ("OrganId", organ_id),
        ("OrganizationInCharge", in_charge),
        ("OrganName", name),
        ("OrganAdd", address),
        ("Email", email),
        ("Telephone", phone),
        ("Fax", ""),
        ("Website", website),
    ):
        _add(element, child, text)


def build_edxml(
    snapshot: ReportSnapshot,
    signed_pdf: bytes,
    *,
    page_count: int,
    sender_organ_id: str | None = None,
    receiver_organ_id: str | None = None,
) -> bytes:
    """The package for ``snapshot`` with ``signed_pdf`` attached, as UTF-8 XML bytes.

    Deterministic: the timestamps are the report's signing time.
    """
    if snapshot.is_draft or snapshot.signed_at is None:
        raise EdxmlError("Only an approved, numbered and signed report is sent.")
    sender = sender_organ_id or snapshot.organisation.edxml_organ_id
    receiver = receiver_organ_id or settings.EDXML_RECEIVER_ORGAN_ID
    for label, value in (("sender", sender), ("receiver", receiver)):
        if not value or not ORGAN_ID.match(value):
            raise EdxmlError(
                f"The {label}'s edXML organisation id {value!r} is missing or not of the form "
                "000.00.00.H41 (configure Organisation.edxml_organ_id and "
                "EDXML_RECEIVER_ORGAN_ID)."
            )
    with translation.override("vi"):
        return _build(snapshot, signed_pdf, page_count=page_count, sender=sender, receiver=receiver)


def _build(
    snapshot: ReportSnapshot, signed_pdf: bytes, *, page_count: int, sender: str, receiver: str
) -> bytes:
    organisation = snapshot.organisation
    signed_at = snapshot.signed_at.astimezone(VIETNAM)
    issued = snapshot.issued_on
    number = f"{snapshot.number:02d}"
    document_id = f"{sender},{issued:%Y/%m/%d},{snapshot.code}"
    in_charge = settings.EDXML_RECEIVER_NAME

    root = etree.Element(_q("edXML"), nsmap={None: NS})
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap={"edXML": NS})
    header = _add(envelope, "edXMLHeader")
    message = _add(header, "MessageHeader")
    _organisation(
        message,
        "From",
        organ_id=sender,
        in_charge=in_charge,
        name=organisation.name,
        address=organisation.address,
        email=organisation.email,
        phone=organisation.phone,
        website=organisation.website,
    )
    _organisation(message, "To", organ_id=receiver, in_charge=in_charge, name=in_charge)
    _add(message, "DocumentId", document_id)
    code = _add(message, "Code")
    _add(code, "CodeNumber", number)
    _add(code, "CodeNotation", snapshot.symbol)
    promulgation = _add(message, "PromulgationInfo")
    _add(promulgation, "Place", organisation.place_name)
    _add(promulgation, "PromulgationDate", f"{issued:%Y/%m/%d}")
    document_type = _add(message, "DocumentType")
    _add(document_type, "Type", DOCUMENT_TYPE_CODE)
    _add(document_type, "TypeName", _("Báo cáo"))
    _add(message, "Subject", snapshot.subject)
    _add(
        message,
        "Content",
        _("%(subject)s; số liệu tính %(window)s.")
        % {"subject": snapshot.subject, "window": snapshot.period.window_text},
    )
    signer = _add(message, "SignerInfo")
    lines = snapshot.signer.authority_lines
    _add(signer, "Competence", " ".join(_title_case(line) for line in lines[:-1]))
    _add(signer, "Position", _title_case(lines[-1]) if lines else "")
    _add(signer, "FullName", snapshot.signer.full_name)
    _add(message, "DueDate")
    other = _add(message, "OtherInfo")
    _add(other, "Priority", PRIORITY_NORMAL)
    _add(other, "PromulgationAmount", "1")
    _add(other, "PageAmount", str(page_count))
    appendixes = _add(other, "Appendixes")
    if snapshot.appendix is not None:
        _add(appendixes, "Appendix", f"{_('Phụ lục')}: {snapshot.appendix.title}")
    places = _add(message, "ToPlaces")
    for line in snapshot.distribution:
        _add(places, "Place", line.rstrip(" ;."))

    traces = _add(header, "TraceHeaderList")
    trace = _add(traces, "TraceHeader")
    _add(trace, "OrganId", sender)
    _add(trace, "Timestamp", f"{signed_at:%Y/%m/%d %H:%M:%S}")
    business = _add(traces, "Bussiness")  # sic: the regulation's spelling
    _add(business, "DocumentId", document_id)
    _add(business, "BussinessDocType", NEW_DOCUMENT)
    _add(business, "BussinessDocReason", _("Văn bản điện tử mới"))
    _add(business, "Paper", "0")

    name = attachment_name(snapshot)
    description = f"{snapshot.number_line} – {snapshot.subject}"
    body = _add(envelope, "edXMLBody")
    manifest = _add(body, "edXMLManifest")
    manifest.set("version", "1.0")
    reference = _add(manifest, "Reference")
    _add(reference, "ContentId", PDF_CONTENT_ID)
    _add(reference, "ContentType", "application/pdf")
    _add(reference, "Description", description)
    _add(reference, "AttachmentName", name)

    encoded = _add(root, "AttachmentEncoded")
    attachment = _add(encoded, "Attachment")
    _add(attachment, "ContentId", PDF_CONTENT_ID)
    _add(attachment, "AttachmentName", name)
    _add(attachment, "Description", description)
    _add(attachment, "ContentType", "application/pdf")
    content = etree.SubElement(attachment, _q("ContentTransferEncoded"), nsmap={"edXML": NS})
    content.text = base64.b64encode(signed_pdf).decode("ascii")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass(frozen=True)
class EdxmlAttachment:
    content_id: str
    name: str
    content_type: str
    data: bytes


def read_attachments(package: bytes) -> list[EdxmlAttachment]:
    """The attachments of an edXML package, decoded (for checks and, later, imports)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(package, parser)
    found = []
    for attachment in root.iter(_q("Attachment")):
        found.append(
            EdxmlAttachment(
                content_id=attachment.findtext(_q("ContentId"), ""),
                name=attachment.findtext(_q("AttachmentName"), ""),
                content_type=attachment.findtext(_q("ContentType"), ""),
                data=base64.b64decode(attachment.findtext(_q("ContentTransferEncoded"), "")),
            )
        )
    return found
