"""Registering directives without the admin: from the document (upload or paste, read in the
background, reviewed on one page) or by hand, and editing them afterwards."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from directives import access, editor, reminders
from directives.choices import DocumentImportState
from directives.forms.registration import DocumentUploadForm
from directives.models import DirectiveImport
from directives.services.documents import (
    DocumentRejected,
    discard_document,
    documents_waiting_for,
    error_message,
    receive_document,
    retry_document,
)
from directives.services.registration import (
    RegistrationError,
    find_duplicates,
    register_directive,
    update_directive,
)
from sonmai.lib import downloads
from sonmai.lib.uploads import upload_limit
from sonmai.lib.vndate import short_datetime
from units.choices import UnitKind


def _units(organisation: object) -> list:
    return list(organisation.units.filter(is_active=True).order_by("position", "name"))


# --- Bringing the document in ----------------------------------------------------------------
@login_required
@upload_limit(lambda: settings.DIRECTIVE_IMPORT_MAX_BYTES)
def document_upload(request: HttpRequest) -> HttpResponse:
    access.require_registering(request.user)
    organisation = request.user.organisation
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = receive_document(
                organisation,
                actor=request.user,
                upload=form.cleaned_data.get("file"),
                text=form.cleaned_data.get("text", ""),
            )
        except DocumentRejected as rejected:
            form.add_error("file" if form.cleaned_data.get("file") else "text", str(rejected))
        else:
            return redirect("directives:document_review", pk=job.pk)
    open_jobs = documents_waiting_for(request.user, limit=20)
    return render(
        request,
        "directives/registration/upload.html",
        {"form": form, "open_jobs": open_jobs},
    )


@login_required
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_document_import_for(request.user, pk)
    if job.state == DocumentImportState.REGISTERED and job.directive_id:
        return redirect("directives:directive_detail", pk=job.directive_id)
    if job.state != DocumentImportState.READY:
        return render(
            request,
            "directives/registration/progress.html",
            {
                "job": job,
                "error": error_message(job.error_code, job.error_detail) if job.error_code else "",
            },
        )
    organisation = request.user.organisation
    units = _units(organisation)
    state = job.draft or editor.state_from_parsed(job.parsed, organisation, units)

    def save(built: editor.DirectiveEditor) -> HttpResponse | None:
        data = built.directive_data()
        directive = register_directive(organisation, actor=request.user, data=data, source=job)
        _announce(request, directive)
        return redirect("directives:directive_detail", pk=directive.pk)

    def keep_draft(current: editor.EditorState) -> None:
        DirectiveImport.objects.filter(pk=job.pk, state=DocumentImportState.READY).update(
            draft=current, updated_at=timezone.now()
        )

    return _editor_page(
        request,
        organisation=organisation,
        units=units,
        state=state,
        save=save,
        keep_draft=keep_draft,
        context={"job": job, "source_lines": job.text.splitlines()},
    )


@login_required
@require_POST
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_document_import_for(request.user, pk)
    try:
        retry_document(job, actor=request.user)
    except DocumentRejected as rejected:
        messages.error(request, str(rejected))
    return redirect("directives:document_review", pk=job.pk)


@login_required
@require_POST
def document_discard(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_document_import_for(request.user, pk)
    try:
        discard_document(job, actor=request.user)
    except DocumentRejected as rejected:
        messages.error(request, str(rejected))
    else:
        messages.info(request, _("Đã hủy, không đăng ký văn bản này."))
    return redirect("directives:document_upload")


@login_required
def document_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The uploaded file itself, as a download."""
    job = access.get_document_import_for(request.user, pk)
    if not job.file:
        raise Http404
    name = job.original_name or f"van-ban{job.extension}"
    return downloads.attachment(job.file.open("rb"), filename=name)


@login_required
def document_page(request: HttpRequest, pk: int, page: int) -> HttpResponseBase:
    """A picture of one page of the document, for the review page's source pane."""
    job = access.get_document_import_for(request.user, pk)
    if not 1 <= page <= len(job.previews):
        raise Http404
    return downloads.inline_picture(
        default_storage.open(job.previews[page - 1], "rb"),
        filename=f"trang-{page}.png",
        content_type="image/png",
    )


# --- Entering and editing by hand ------------------------------------------------------------
@login_required
def directive_create(request: HttpRequest) -> HttpResponse:
    access.require_registering(request.user)
    organisation = request.user.organisation
    units = _units(organisation)

    def save(built: editor.DirectiveEditor) -> HttpResponse | None:
        directive = register_directive(
            organisation, actor=request.user, data=built.directive_data()
        )
        _announce(request, directive)
        return redirect("directives:directive_detail", pk=directive.pk)

    return _editor_page(
        request,
        organisation=organisation,
        units=units,
        state=editor.empty_state(organisation, units),
        save=save,
    )


@login_required
def directive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = access.get_directive_for_editing(request.user, pk)
    organisation = request.user.organisation
    units = _units(organisation)

    def save(built: editor.DirectiveEditor) -> HttpResponse | None:
        reason = built.header.cleaned_data.get("change_reason", "")
        update_directive(directive, actor=request.user, data=built.directive_data(), reason=reason)
        messages.success(request, _("Đã lưu các thay đổi của văn bản."))
        return redirect("directives:directive_detail", pk=directive.pk)

    return _editor_page(
        request,
        organisation=organisation,
        units=units,
        state=editor.state_from_directive(directive, units),
        save=save,
        editing=directive,
        context={"directive": directive},
    )


@login_required
def directive_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The directive's source document, for anyone who may see the directive."""
    directive = access.get_directive_for(request.user, pk)
    if not directive.original_file:
        raise Http404
    extension = directive.original_file.name.rsplit(".", 1)[-1][:5]
    name = f"{directive.short_label or 'van-ban'}.{extension}"
    return downloads.attachment(directive.original_file.open("rb"), filename=name)


# --- The shared editor page ------------------------------------------------------------------
def _announce(request: HttpRequest, directive: object) -> None:
    from directives.models import Assignment

    ids = list(
        Assignment.objects.filter(task__section__directive=directive).values_list("pk", flat=True)
    )
    first = reminders.first_reminder(ids, timezone.now())
    text = ngettext(
        "Đã đăng ký văn bản với %(count)d phân công.",
        "Đã đăng ký văn bản với %(count)d phân công.",
        len(ids),
    ) % {"count": len(ids)}
    if first:
        text += " " + _("Nhắc việc đã lên lịch, lần đầu lúc %(when)s.") % {
            "when": short_datetime(first)
        }
    messages.success(request, text)


def _editor_page(
    request: HttpRequest,
    *,
    organisation: object,
    units: list,
    state: editor.EditorState,
    save: object,
    keep_draft: object = None,
    editing: object = None,
    context: dict | None = None,
) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    duplicates: list = []
    if request.method != "POST":
        built = editor.DirectiveEditor(organisation, units, state=state, editing=editing)
    else:
        built = editor.DirectiveEditor(organisation, units, data=request.POST, editing=editing)
        if action in ("register", "save"):
            if built.is_valid():
                duplicates = _duplicates(organisation, built, editing)
                if duplicates and not built.header.cleaned_data.get("confirm_duplicate"):
                    built.errors.append(
                        _(
                            "Đã có văn bản cùng cơ quan ban hành, số, ký hiệu và ngày: hãy kiểm "
                            "tra, rồi đánh dấu ô xác nhận bên dưới nếu vẫn muốn đăng ký."
                        )
                    )
                else:
                    try:
                        with transaction.atomic():
                            return save(built)
                    except RegistrationError as error:
                        built.errors.append(str(error))
        else:
            current = built.state()
            focus = _change(current, action, request, units)
            if action == "draft" and keep_draft is not None:
                keep_draft(current)
                messages.info(request, _("Đã lưu bản nháp."))
            built = editor.DirectiveEditor(organisation, units, state=current, editing=editing)
            built.focus = focus
    names = _unmatched_names(built)
    return render(
        request,
        "directives/registration/editor.html",
        {
            "editor": built,
            "editing": editing,
            "duplicates": duplicates,
            "unmatched_names": names,
            "map_targets": _map_targets(units),
            "show_errors": request.method == "POST" and action in ("register", "save"),
            **(context or {}),
        },
    )


def _change(state: editor.EditorState, action: str, request: HttpRequest, units: list) -> str:
    """Apply an editing action that does not save; returns the id of the field to focus."""
    if action == "add-section":
        key = editor.add_section(state)
        return f"muc-{key}"
    if action.startswith("add-task:"):
        key = editor.add_task(state, action.removeprefix("add-task:"))
        return f"nv-{key}"
    if action == "add-reference":
        editor.add_reference(state)
        return "can-cu"
    if action == "map":
        changed = 0
        for index, name in enumerate(request.POST.getlist("map-name")):
            target = request.POST.get(f"map-target-{index}", "")
            if target:
                changed += editor.map_name(state, name, target, units)
        if changed:
            messages.info(
                request,
                ngettext(
                    "Đã gán đơn vị cho %(count)d nhiệm vụ.",
                    "Đã gán đơn vị cho %(count)d nhiệm vụ.",
                    changed,
                )
                % {"count": changed},
            )
        return "ten-chua-khop"
    return ""


def _duplicates(organisation: object, built: editor.DirectiveEditor, editing: object) -> list:
    header = built.header.cleaned_data
    issuer = resolve_issuer_readonly(header["issuer"], organisation)
    return find_duplicates(
        organisation,
        issuer=issuer,
        number=header.get("number", ""),
        symbol=header["symbol"],
        issued_on=header.get("issued_on"),
        issued_year=header.get("issued_year"),
        exclude=editing.pk if editing else None,
    )


def resolve_issuer_readonly(name: str, organisation: object) -> object:
    """The known body ``name`` means, without adding one (the check must not write)."""
    from units.matching import find_organisation
    from units.models import Organisation

    return find_organisation(
        name, [organisation, *Organisation.objects.exclude(pk=organisation.pk)]
    )


def _unmatched_names(built: editor.DirectiveEditor) -> list[dict]:
    seen: dict[str, dict] = {}
    for entries in built.unmatched.values():
        for entry in entries:
            seen.setdefault(entry["name"], {"name": entry["name"], "count": 0})
            seen[entry["name"]]["count"] += 1
    return list(seen.values())


def _map_targets(units: list) -> list[tuple[str, str]]:
    groups = [
        (f"kind:{UnitKind.HAMLET}", _("Tất cả các thôn")),
        (f"kind:{UnitKind.DEPARTMENT}", _("Tất cả bộ phận chuyên môn")),
        (f"kind:{UnitKind.SCHOOL}", _("Tất cả trường học")),
    ]
    return [
        ("skip", _("Không phải đơn vị của xã (bỏ qua)")),
        *groups,
        *[(f"unit:{unit.pk}", unit.display_name) for unit in units],
    ]
