"""Text people type is stored in one Unicode form (NFC), whichever way it comes in."""

import unicodedata

import pytest
from django import forms
from django.apps import apps
from django.db import models

from directives.models import ProgressUpdate, Task
from sonmai.lib.fields import NFCCharField, NFCFormField, NFCTextField
from tests.factories import AssignmentFactory, TaskFactory, UnitFactory, UserFactory

NFC = "Quán triệt Nghị quyết, tuyên truyền sâu rộng"
NFD = unicodedata.normalize("NFD", NFC)


def test_the_two_spellings_differ_before_normalising():
    assert NFD != NFC


@pytest.mark.django_db
def test_text_assigned_or_passed_to_a_model_is_held_in_nfc():
    unit = UnitFactory(name=NFD)
    assert unit.name == NFC
    unit.name = unicodedata.normalize("NFD", "Thôn Đông")
    assert unit.name == "Thôn Đông"
    unit.save()
    unit.refresh_from_db()
    assert unit.name == "Thôn Đông"


@pytest.mark.django_db
def test_a_bulk_update_stores_nfc_and_an_exact_lookup_finds_either_spelling():
    task = TaskFactory(text="cũ")
    Task.objects.filter(pk=task.pk).update(text=NFD)

    stored = Task.objects.values_list("text", flat=True).get(pk=task.pk)
    assert stored == NFC
    assert Task.objects.filter(text=NFD).get() == task


@pytest.mark.django_db
def test_a_model_form_cleans_typed_text_to_nfc():
    class UpdateForm(forms.ModelForm):
        class Meta:
            model = ProgressUpdate
            fields = ["results", "difficulties"]

    form = UpdateForm(data={"results": NFD, "difficulties": ""})

    assert isinstance(form.fields["results"], NFCFormField)
    assert isinstance(form.fields["results"].widget, forms.Textarea)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["results"] == NFC
    update = form.save(commit=False)
    update.assignment = assignment = AssignmentFactory()
    update.author = UserFactory(unit=assignment.unit)
    update.save()
    assert ProgressUpdate.objects.values_list("results", flat=True).get(pk=update.pk) == NFC


def test_full_clean_normalises_through_to_python():
    assert NFCTextField().to_python(NFD) == NFC
    assert NFCCharField(max_length=200).to_python(NFD) == NFC
    assert NFCCharField(max_length=200).to_python(None) is None


def test_no_model_normalises_text_in_save_any_more():
    """Every text field a person types is an NFC field; no save() override does it by hand."""
    typed = {
        ("units", "Unit"): ["name"],
        ("units", "User"): ["full_name", "position_title"],
        ("directives", "Task"): ["text", "short_title"],
        ("directives", "Indicator"): ["name", "unit_of_measure"],
        ("directives", "ProgressUpdate"): ["results", "difficulties", "proposals", "review_note"],
        ("directives", "Concern"): ["text", "answer", "escalation_note"],
        ("directives", "ExplanationRequest"): ["question", "answer"],
        ("directives", "ExtensionRequest"): ["reason", "decision_note"],
        ("reports", "Report"): ["leadership", "results_note", "next_tasks", "return_comment"],
    }
    for (app, model_name), names in typed.items():
        model = apps.get_model(app, model_name)
        for name in names:
            field = model._meta.get_field(name)
            assert isinstance(field, NFCCharField | NFCTextField), f"{model_name}.{name}"
            assert isinstance(field, models.CharField | models.TextField)
