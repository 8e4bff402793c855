"""What the directives app announces when the office, a leader or a unit acts on work.

The directives app knows nothing of how people are told; the notifications app, which sits above
it, connects its receivers to these signals in ``NotificationsConfig.ready`` and composes the
notices. Each signal is sent from inside the service's transaction, so a rolled-back action
tells nobody. Every signal carries ``instance`` (the object the action created or changed) and
``actor`` (who acted).
"""

from __future__ import annotations

from django.dispatch import Signal

#: The office returned a unit's update (``instance``: the ``ProgressUpdate``).
update_returned = Signal()
#: A unit asked for more time (``instance``: the ``ExtensionRequest``).
extension_requested = Signal()
#: A leader (or the office) decided an extension (``instance``: the ``ExtensionRequest``).
extension_decided = Signal()
#: The office urged a unit (``instance``: the ``Urging``).
urged = Signal()
#: The office asked a unit for a written explanation (``instance``: the ``ExplanationRequest``).
explanation_requested = Signal()
#: The unit answered the explanation request (``instance``: the ``ExplanationRequest``).
explanation_answered = Signal()
#: A difficulty or proposal was answered or resolved (``instance``: the ``Concern``).
concern_answered = Signal()
