"""The contact-form channel: find the form on the lead's website, fill it in as the sender, send it, read the answer.

Forms guarded by a CAPTCHA, sent only by JavaScript or asking for something we cannot fill are never sent:
the result fails the channel (the sequence moves on) with MANUAL_TASK in its detail, and the form is stored as
an operator task with the text to paste (forms/manual.py), once per message.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Iterable
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.leads.values import domain_of
from aicmo.cam.outreach.attempts import submission_count
from aicmo.cam.outreach.base import OutreachServiceBase
from aicmo.cam.outreach.domain import Channel, ErrorKind, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.forms.fetch import FetchFailed, Limits, Submission, fetch
from aicmo.cam.outreach.forms.find import best_contact_form, read_forms
from aicmo.cam.outreach.forms.manual import MANUAL_TASK, manual_detail, manual_reason, offer
from aicmo.cam.outreach.forms.model import SenderIdentity
from aicmo.cam.outreach.forms.outcome import Outcome, classify, same_page
from aicmo.cam.outreach.forms.spam_filter import blocker, page_js_only_reason
from aicmo.cam.outreach.forms.submit import CannotFill, submission
from aicmo.cam.outreach.forms.verify import FormCheck, verify
from aicmo.cam.outreach.models import OutreachAttemptDB
from aicmo.db.base import utcnow
from aicmo.db.engine import unit_of_work
from aicmo.net.pinned import PinnedTransport
from aicmo.net.ssrf import AddressPolicy
from aicmo.settings import Settings

__all__ = ["MANUAL_TASK", "ContactFormOutreachService", "FormCheck", "SenderIdentity"]

_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


def form_target(lead: LeadRead) -> str | None:
    """Where to look for the lead's form: its contact-form URL, else its website's home page."""
    if lead.contact_form_url:
        return lead.contact_form_url
    site = lead.website or lead.company_domain
    if not site:
        return None
    return site if "://" in site else f"https://{site}"


class ContactFormOutreachService(OutreachServiceBase):
    channel = Channel.CONTACT_FORM

    def __init__(self, sender: SenderIdentity, *, sessions: sessionmaker[Session] | None = None,
                 settings: Settings, trusted_networks: Iterable[str] = (),
                 client: httpx.AsyncClient | None = None) -> None:
        """`trusted_networks` lists private networks (CIDR) that may be fetched even without allow_private_network."""
        self.sender = sender
        self._sessions = sessions
        self._cap = settings.form_submissions_per_domain
        self._limits = Limits(settings.http_timeout, settings.http_max_bytes, settings.http_max_redirects)
        self._policy = AddressPolicy.of(settings.allow_private_network, trusted_networks)
        # Cookies live per send (see verify); the client's own jar refuses all so nothing leaks between sites.
        no_cookies = httpx.Cookies(CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])))
        # Every connection is checked against the policy as it is made (PinnedTransport); trust_env stays off so no
        # proxy from the environment connects in its place.
        self._client = client or httpx.AsyncClient(
            headers={"User-Agent": settings.http_user_agent, "Accept": _ACCEPT}, follow_redirects=False,
            timeout=httpx.Timeout(settings.http_timeout), trust_env=False, cookies=no_cookies,
            transport=PinnedTransport(self._policy))
        self._sent: Counter[tuple[str, int | None]] = Counter()  # this process's sends, recorded or not yet
        self._in_flight: Counter[tuple[str, int | None]] = Counter()

    def can_reach(self, lead: LeadRead) -> str | None:
        if form_target(lead) is None:
            return "the lead has no contact-form URL, website or company domain"
        return None

    async def verify_form(self, url: str) -> FormCheck:
        """Find the contact form at the URL (or on the contact page it links to) and whether we may send it."""
        return await verify(self._client, url, self._policy, self._limits)

    async def check_form_spam_filter(self, page: str | LexborHTMLParser) -> str | None:
        """The CAPTCHA or JavaScript-only form that keeps a machine from sending the page's form, or None.

        Given a URL, fetches it first; FetchFailed if that fails.
        """
        if isinstance(page, str):
            fetched = await fetch(self._client, page, self._policy, self._limits)
            url, tree = fetched.url, fetched.tree()
        else:
            url, tree = "", page
        form = best_contact_form(read_forms(tree, url))
        return blocker(tree, form.js_only if form else page_js_only_reason(tree))

    def get_submission_count(self, domain: str, campaign_id: int | None = None) -> int:
        """Forms sent to this domain (in this campaign): the stored attempts, or this process's if more."""
        stored = 0
        if self._sessions is not None:
            with self._sessions() as db:
                stored = submission_count(db, domain, campaign_id=campaign_id)
        return max(stored, self._sent[(domain, campaign_id)])

    async def check_status(self, provider_message_id: str) -> SendResult | None:
        """What was stored for a form sent earlier; a form has no later delivery status to ask for."""
        if self._sessions is None:
            return None
        with self._sessions() as db:
            attempt = db.scalars(select(OutreachAttemptDB).where(
                OutreachAttemptDB.provider_message_id == provider_message_id,
                OutreachAttemptDB.channel == Channel.CONTACT_FORM).order_by(OutreachAttemptDB.id.desc())).first()
        if attempt is None:
            return None
        return SendResult(status=attempt.status, channel=self.channel, detail=attempt.detail or "",
                          error_kind=attempt.error_kind, provider_message_id=attempt.provider_message_id,
                          target=attempt.target, target_domain=attempt.target_domain,
                          response_code=attempt.response_code, duration_ms=attempt.duration_ms or 0.0)

    async def send(self, message: OutreachMessage, lead: LeadRead) -> SendResult:
        started = time.perf_counter()
        target = form_target(lead)
        if target is None:
            result = self._failed(ErrorKind.CHANNEL_FAILED, self.can_reach(lead) or "", None)
        else:
            result = await self._send_capped(message, target)
        result.duration_ms = (time.perf_counter() - started) * 1000
        if self._sessions is not None and manual_reason(result) is not None:
            await asyncio.to_thread(self._offer_to_operator, message, result)
        return result

    async def aclose(self) -> None:
        await self._client.aclose()

    def _offer_to_operator(self, message: OutreachMessage, result: SendResult) -> None:
        """Store the form as an operator task, in a transaction of its own like a LinkedIn step's."""
        assert self._sessions is not None
        try:
            with unit_of_work(self._sessions) as db:
                offer(db, message, result, utcnow())
        except IntegrityError:
            pass  # a concurrent send of the same message stored its task first: that one stands

    async def _cap_refusal(self, domain: str, campaign_id: int | None) -> str | None:
        if self._sessions is None:
            done = self.get_submission_count(domain, campaign_id)
        else:
            done = await asyncio.to_thread(self.get_submission_count, domain, campaign_id)
        sending = self._in_flight[(domain, campaign_id)]
        if done + sending < self._cap:
            return None
        scope = f"campaign {campaign_id}" if campaign_id is not None else "any campaign"
        being_sent = f" and {sending} being sent" if sending else ""
        return f"already sent {done} form(s){being_sent} to {domain} in {scope} (limit {self._cap} per domain)"

    async def _send_capped(self, message: OutreachMessage, target: str) -> SendResult:
        domain = domain_of(target)
        refusal = await self._cap_refusal(domain, message.campaign_id)
        if refusal:
            return self._failed(ErrorKind.CHANNEL_FAILED, refusal, target, target_domain=domain)
        key = (domain, message.campaign_id)
        self._in_flight[key] += 1
        try:
            result = await self._send(message, target)
        finally:
            self._in_flight[key] -= 1
        if result.status is SendStatus.SENT:
            self._sent[(result.target_domain or domain, message.campaign_id)] += 1
        return result

    async def _send(self, message: OutreachMessage, target: str) -> SendResult:
        check = await self.verify_form(target)
        domain = domain_of(check.url)
        if not check.ok or check.form is None:
            detail = check.problem or "no contact form found"
            if check.manual:
                detail = manual_detail(detail)
            return self._failed(check.error_kind or ErrorKind.CHANNEL_FAILED, detail, check.url,
                                target_domain=domain, response_code=check.response_code)
        if domain != domain_of(target):
            refusal = await self._cap_refusal(domain, message.campaign_id)
            if refusal:
                return self._failed(ErrorKind.CHANNEL_FAILED, refusal, check.url, target_domain=domain)
        try:
            prepared = submission(check.form, self.sender, message.subject, message.body, page=check.url)
        except CannotFill as exc:
            return self._failed(ErrorKind.CHANNEL_FAILED, manual_detail(str(exc)), check.url, target_domain=domain)
        try:
            outcome, code = await self._submit(check, prepared)
        except FetchFailed as exc:
            return self._failed(exc.kind, exc.detail, check.url, target_domain=domain, response_code=exc.status)
        if not outcome.sent:
            return self._failed(outcome.kind or ErrorKind.CHANNEL_FAILED, outcome.detail, check.url,
                                target_domain=domain, response_code=code)
        return SendResult(status=SendStatus.SENT, channel=self.channel, detail=outcome.detail, target=check.url,
                          target_domain=domain, response_code=code, provider_message_id=f"form:{message.id}")

    async def _submit(self, check: FormCheck, prepared: Submission) -> tuple[Outcome, int]:
        """Send the filled form and read the answer; a redirect to another page after the POST means accepted."""
        assert check.form is not None
        answer = await fetch(self._client, prepared.url, self._policy, self._limits, submission=prepared,
                             follow=False, cookies=check.cookies)
        if answer.location is None:
            return classify(answer, check.form, check.before), answer.status
        if not (same_page(answer.location, check.url) or same_page(answer.location, prepared.url)):
            return Outcome(True, f"redirected to {answer.location} after the POST"), answer.status
        page = await fetch(self._client, answer.location, self._policy, self._limits, cookies=check.cookies)
        return classify(page, check.form, check.before, after_redirect=True), answer.status

    def _failed(self, kind: ErrorKind, detail: str, target: str | None, **extra: object) -> SendResult:
        return SendResult.failed(self.channel, kind, detail, target=target, **extra)
