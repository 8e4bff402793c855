"""The edXML package: the regulation's elements, configured ids, the signed PDF inside."""

from dataclasses import replace

import pytest
from django.test import override_settings
from lxml import etree

from reports.demo import VICE_CHAIRMAN_LINES
from reports.renderers.edxml import NS, EdxmlError, build_edxml, read_attachments
from reports.renderers.pdf import render_report_pdf
from reports.signing import VerificationStatus, sign_report_pdf, verify_report_pdf
from reports.snapshot import Signer
from tests.reports.conftest import SON_MAI, small_snapshot

E = f"{{{NS}}}"


@pytest.fixture(scope="module")
def signed_small(credentials):
    rendered = render_report_pdf(small_snapshot())
    signed = sign_report_pdf(
        rendered.content,
        snapshot=small_snapshot(),
        box=rendered.signature_box,
        credentials=credentials,
    )
    return signed, rendered.page_count


@pytest.fixture
def receiver():
    with override_settings(EDXML_RECEIVER_ORGAN_ID="000.00.00.X02"):
        yield


def package(snapshot, signed, pages) -> etree._Element:
    return etree.fromstring(build_edxml(snapshot, signed, page_count=pages))


def test_the_message_header_has_the_regulations_fields(signed_small, receiver):
    signed, pages = signed_small
    root = package(small_snapshot(), signed, pages)
    assert root.tag == f"{E}edXML"
    header = f".//{E}MessageHeader"
    assert root.find(header) is not None
    values = {
        "From/OrganId": "000.00.00.X01",
        "From/OrganName": "Ủy ban nhân dân xã Sơn Mai",
        "To/OrganId": "000.00.00.X02",
        "DocumentId": "000.00.00.X01,2026/01/07,12/BC-UBND",
        "Code/CodeNumber": "12",
        "Code/CodeNotation": "BC-UBND",
        "PromulgationInfo/Place": "Sơn Mai",
        "PromulgationInfo/PromulgationDate": "2026/01/07",
        "DocumentType/TypeName": "Báo cáo",
        "Subject": small_snapshot().subject,
        "SignerInfo/Competence": "TM. Ủy ban nhân dân",
        "SignerInfo/Position": "Chủ tịch",
        "SignerInfo/FullName": "Nguyễn Anh Tuấn",
        "OtherInfo/PageAmount": str(pages),
    }
    message = root.find(header)
    for path, expected in values.items():
        element = message.find("/".join(f"{E}{part}" for part in path.split("/")))
        assert element is not None and element.text == expected, path
    places = [p.text for p in message.find(f"{E}ToPlaces")]
    assert places == ["Như trên", "CT, các PCT UBND xã", "Lưu: VT, VHXH"]
    children = [child.tag.removeprefix(E) for child in message]
    assert children[:3] == ["From", "To", "DocumentId"]
    assert children.index("Code") < children.index("SignerInfo") < children.index("ToPlaces")
    trace = root.find(f".//{E}TraceHeaderList/{E}TraceHeader")
    assert trace.find(f"{E}OrganId").text == "000.00.00.X01"
    assert trace.find(f"{E}Timestamp").text == "2026/01/07 09:30:15"


def test_the_signed_pdf_travels_intact_and_still_verifies(
    signed_small, receiver, commune_certificate
):
    signed, pages = signed_small
    data = build_edxml(small_snapshot(), signed, page_count=pages)
    root = etree.fromstring(data)
    reference = root.find(f".//{E}edXMLManifest/{E}Reference")
    (attachment,) = read_attachments(data)
    assert attachment.data == signed
    assert attachment.name == reference.find(f"{E}AttachmentName").text == "12-BC-UBND.pdf"
    assert attachment.content_id == reference.find(f"{E}ContentId").text
    assert attachment.content_type == "application/pdf"
    assert verify_report_pdf(attachment.data).status == VerificationStatus.VALID
    assert build_edxml(small_snapshot(), signed, page_count=pages) == data  # deterministic


def test_a_vice_chairman_signs_for_the_chairman(signed_small, receiver):
    signed, pages = signed_small
    snapshot = small_snapshot(signer=Signer(VICE_CHAIRMAN_LINES, "Phạm Thị Hoa"))
    message = package(snapshot, signed, pages).find(f".//{E}SignerInfo")
    assert message.find(f"{E}Competence").text == "TM. Ủy ban nhân dân KT. Chủ tịch"
    assert message.find(f"{E}Position").text == "Phó Chủ tịch"


@pytest.mark.parametrize(
    ("snapshot_changes", "receiver_id", "message"),
    [
        ({}, "", "receiver"),
        ({}, "H41", "receiver"),
        ({"organisation": replace(SON_MAI, edxml_organ_id="")}, "000.00.00.X02", "sender"),
        ({"number": None, "issued_on": None, "signed_at": None}, "000.00.00.X02", "approved"),
    ],
)
def test_the_package_is_refused_without_what_it_needs(
    signed_small, snapshot_changes, receiver_id, message
):
    signed, pages = signed_small
    with (
        override_settings(EDXML_RECEIVER_ORGAN_ID=receiver_id),
        pytest.raises(EdxmlError, match=message),
    ):
        build_edxml(small_snapshot(**snapshot_changes), signed, page_count=pages)
