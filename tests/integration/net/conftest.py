"""The network-safety tests fetch from the same local website with forms as the contact-form channel's tests."""

from tests.integration.cam.outreach.forms.conftest import site

__all__ = ["site"]
