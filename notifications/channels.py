"""Delivery channels behind one small interface, so SMS or Zalo can be added later.

A channel knows whether a person can be reached (``address_for``) and sends one delivery
(``send``). ``send`` returns normally only when the message was handed over (the SMTP server
accepted it); it raises ``RetryableChannelError`` for a failure worth trying again (server down,
time-out, 4xx) and ``PermanentChannelError`` for one that will not heal (address refused, 5xx).
An *immediate* channel is delivered by writing the notification row itself (the bell), so it
needs no queue.

To add a channel: subclass ``Channel``, add its value to ``DeliveryChannel`` and call
``register(MyChannel())`` (for example in an app's ``ready``).
"""

from __future__ import annotations

import abc
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.translation import gettext_lazy as _

from notifications.choices import DeliveryChannel
from notifications.emails import render_email


class ChannelError(Exception):
    """A delivery failed; ``retryable`` says whether trying again may help."""

    retryable = True


class RetryableChannelError(ChannelError):
    retryable = True


class PermanentChannelError(ChannelError):
    retryable = False


class Channel(abc.ABC):
    """One way of reaching a person (the bell, e-mail; SMS or Zalo would be one class more)."""

    name: str = ""
    label: object = ""
    #: Delivered by creating the notification row: no queue, never retried.
    immediate: bool = False

    @abc.abstractmethod
    def address_for(self, user: object) -> str | None:
        """Where this channel reaches ``user``, or None when it cannot."""

    def unreachable_reason(self, user: object) -> str:
        return str(_("Người nhận chưa có địa chỉ cho kênh này."))

    @abc.abstractmethod
    def send(self, delivery: object) -> None:
        """Hand the delivery over; raise a ChannelError subclass when it fails."""


class InAppChannel(Channel):
    name = DeliveryChannel.IN_APP
    label = DeliveryChannel.IN_APP.label
    immediate = True

    def address_for(self, user: object) -> str | None:
        return str(user.pk)

    def send(self, delivery: object) -> None:
        # The notification row is what the bell shows: writing it was the delivery.
        return None


class EmailChannel(Channel):
    name = DeliveryChannel.EMAIL
    label = DeliveryChannel.EMAIL.label

    def address_for(self, user: object) -> str | None:
        return user.email.strip() or None

    def unreachable_reason(self, user: object) -> str:
        return str(_("Người nhận chưa có địa chỉ thư điện tử trong hồ sơ."))

    def send(self, delivery: object) -> None:
        notification = delivery.notification
        address = self.address_for(notification.recipient)
        if not address:
            raise PermanentChannelError(self.unreachable_reason(notification.recipient))
        subject, text, html = render_email(notification)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[address],
            # The same Message-ID on every attempt lets a mail system recognise the copy if a
            # worker died after the server accepted the message but before we recorded it.
            headers={"Message-ID": delivery.message_id},
            connection=get_connection(fail_silently=False),
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _message in error.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentChannelError(f"SMTP refused the recipient: {error}") from error
            raise RetryableChannelError(f"SMTP refused the recipient for now: {error}") from error
        except smtplib.SMTPResponseException as error:
            # Other refusals (authentication, a full queue, a policy) are the server's or our
            # configuration's, which an administrator can fix: keep trying until give-up time.
            raise RetryableChannelError(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise RetryableChannelError(f"{type(error).__name__}: {error}") from error


_REGISTRY: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _REGISTRY[str(channel.name)] = channel


def get_channel(name: str) -> Channel:
    return _REGISTRY[name]


def available_channels() -> list[Channel]:
    return list(_REGISTRY.values())


register(InAppChannel())
register(EmailChannel())
