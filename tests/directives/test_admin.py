"""The admin serves the clerk and the office for their own commune only."""

import lxml.html
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories as f


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def test_assignment_choices_offer_only_the_communes_own_rows(cast, client_for):
    grant(cast.clerk, "change_assignment", "view_assignment")
    secret = f.AssignmentFactory(
        unit=f.HamletFactory(organisation=cast.outsider.organisation, name="Thôn Bí Mật")
    )
    page = (
        client_for(cast.clerk)
        .get(reverse("admin:directives_assignment_change", args=[cast.assignment_a.pk]))
        .content.decode()
    )
    assert "Thôn An" in page
    assert "Thôn Bí Mật" not in page
    assert (
        client_for(cast.clerk)
        .get(reverse("admin:directives_assignment_change", args=[secret.pk]))
        .status_code
        == 302
    )  # not found for this admin: sent back to the list


def test_staff_see_only_their_communes_people_and_cannot_make_superusers(cast, client_for):
    grant(cast.clerk, "change_user", "view_user")
    client = client_for(cast.clerk)
    listing = client.get(reverse("admin:units_user_changelist")).content.decode()
    assert "hamlet_a" in listing and "outsider" not in listing
    page = client.get(reverse("admin:units_user_change", args=[cast.hamlet_head_a.pk]))
    assert 'name="is_superuser"' not in page.content.decode()


def test_nothing_is_deleted_from_the_admin(cast, client_for):
    grant(cast.clerk, "delete_assignment", "change_assignment", "view_assignment")
    response = client_for(cast.clerk).get(
        reverse("admin:directives_assignment_delete", args=[cast.assignment_a.pk])
    )
    assert response.status_code == 403


def test_coordinating_with_offers_only_the_lead_units_of_the_same_task(cast, client_for):
    grant(cast.clerk, "change_assignment", "view_assignment", "change_task", "view_task")
    task = cast.assignment_a.task
    other_lead = f.AssignmentFactory(
        unit=f.HamletFactory(organisation=cast.clerk.organisation, name="Thôn Khác Việc")
    )
    supporter = f.AssignmentFactory(
        task=task,
        unit=f.HamletFactory(organisation=cast.clerk.organisation, name="Thôn Phối Hợp"),
        role="coordinating",
        lead_assignment=cast.assignment_a,
    )
    client = client_for(cast.clerk)
    for url in (
        reverse("admin:directives_assignment_change", args=[supporter.pk]),
        reverse("admin:directives_task_change", args=[task.pk]),
    ):
        page = lxml.html.fromstring(client.get(url).content)
        select = page.xpath("//select[contains(@name, 'lead_assignment')]")[0]
        offered = {int(v) for v in select.xpath("./option/@value") if v}
        assert cast.assignment_a.pk in offered
        assert other_lead.pk not in offered and supporter.pk not in offered
