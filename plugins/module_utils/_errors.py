# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors, raised deep and caught once per module run (in ``_module.run``).

Every error carries a message that names the object and, where there is one, the device's own
error text, plus ``details``: structured fields returned to the user next to ``msg``.
"""

from __future__ import annotations


class LongDistanceError(Exception):
    """Base of every error this collection raises on purpose."""

    def __init__(self, msg, **details):
        super().__init__(msg)
        self.msg = msg
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_result(self):
        """``fail_json`` keyword arguments for this error."""
        result = dict(self.details)
        result["error_type"] = type(self).__name__
        return result


class ValidationError(LongDistanceError):
    """Input that cannot work, found before any write is sent."""


class CheckModeWriteError(LongDistanceError):
    """A write was attempted in check mode: a bug in the caller, never a device problem."""


class TransportError(LongDistanceError):
    """The device could not be reached or kept answering 'try again' until the deadline.

    ``sent``: False when the request certainly never reached the device (connection refused),
    None when it may have been applied (the connection dropped or timed out after sending).
    """

    def __init__(self, msg, sent=None, retryable=True, **details):
        super().__init__(msg, **details)
        self.sent = sent
        self.retryable = retryable


class OutcomeUnknownError(LongDistanceError):
    """A write may or may not have been applied and re-reading the device could not settle it.

    ``verified`` tells what the re-read established (object -> what the device holds), never more.
    """


class ApiError(LongDistanceError):
    """An iControl REST call answered with an error status.

    ``status``: HTTP status; ``code``/``api_message``/``api_error``: BIG-IP's own fields;
    ``method``/``path``: the request that failed.
    """

    def __init__(self, msg, status=None, code=None, api_message=None, api_error=None, method=None, path=None):
        super().__init__(msg, status=status, code=code, api_message=api_message, api_error=api_error, method=method, path=path)
        self.status = status
        self.code = code
        self.api_message = api_message
        self.api_error = api_error
        self.method = method
        self.path = path


class NotFoundError(ApiError):
    """404 from the device: the object does not exist."""


class AuthError(ApiError):
    """Login refused, or a request still unauthorised after one re-login."""


class VSphereError(LongDistanceError):
    """A vSphere call or task failed; ``fault`` is the vSphere fault type, ``msg`` carries its text."""

    def __init__(self, msg, fault=None, task=None, obj=None):
        super().__init__(msg, fault=fault, task=task, object=obj)
        self.fault = fault


class TaskTimeoutError(VSphereError):
    """A vSphere task did not finish within the allowed time."""
