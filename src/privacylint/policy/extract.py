"""Sentences -> claims: what a policy says is collected, shared, banned, kept where, and secured.

Rule-based, over rules/policy/lexicon.yaml. A sentence is cut into parts at ";" and at "but"; a
negation reaches a verb only inside its own clause (up to a comma), so "we do not sell your data, but
we share it with advertisers" is a ban and a disclosure. "unless / except / 除...外" keep a ban and
record its exception. A verb inside an "if" clause, a verb whose subject is "you" (except "you provide
us"), a question, a disclaimer ("we cannot guarantee") and a statement of your rights are no claims.
A lead-in that ends with a colon ("...in the following cases:") lends its verb to the list after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from privacylint.catalog import covers
from privacylint.policy.lexicon import Hit, Lexicon, Vocabulary
from privacylint.policy.sentences import Document, Sentence

ALL_DATA = "user"
CLAUSE_END = re.compile(r"[,，;；:：]")
DELIMITER = re.compile(r"[,，;；()（）、:：]")
RELATIVE_SUBJECT = re.compile(r"\b(?:that|which|who)\s+(?:(?:the|our|its|their|your)\s+)*$", re.IGNORECASE)
CJK_TAIL = re.compile(r"[\u3400-\u9fff]$")
ZH_CLAUSE_START = re.compile(r"[,，;；()（）、:：与向给和及或将把]")   # where a Chinese "...的" description begins
DETERMINERS = re.compile(r"^[^\w#]*(?:(?:the|these|those|such|our|any|all|its|their|this|that|other|and|or)\s+)*$",
                         re.IGNORECASE)
PLEASE = re.compile(r"\b[Pp]lease(?=\s+[a-z])")      # "please contact us": you are the subject
DOMAIN = re.compile(r"(?<![\w@.])[a-z0-9][a-z0-9-]*\.(?:com|cn|net|org|io|co)(?!\w)", re.IGNORECASE)
NEGATION_REACH = {"en": 60, "zh": 30}
DISCLOSURES = ("share", "share_to", "engage", "sell")
SENTENCE_ENDS = tuple(".。!！?？;；:：)）")
HOSTED_ON = ("on|with|by|at", "于|在|至")
EXCEPT_FRAME = re.compile(r"除(?!非|外|了)[^，,。；;：:]{1,30}?(?:之外|以外|外)")     # 除法律规定外: an exception
OBJECT_REACH = 40                # characters between "use" and the recipient it uses
LIST_BREAK = re.compile(r"[,，、;；]")
CONJUNCTION = re.compile(r"\s*(?:,|，|、|and|or|或|和|及|与|以及|或者)\s*", re.IGNORECASE)


# ----- claims: plain data -------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Where a claim comes from: the policy's own words."""

    path: str
    line: int
    quote: str
    qualifier: Optional[str] = None   # "At present": the claim is about today
    exception: Optional[str] = None   # "unless you explicitly authorize it"


@dataclass(frozen=True)
class Collected:
    category: str
    evidence: Evidence


@dataclass(frozen=True)
class Shared:
    recipient: str                    # a lexicon recipient id
    data: tuple[str, ...]             # () when the sentence names no data
    purposes: tuple[str, ...]
    evidence: Evidence


@dataclass(frozen=True)
class Banned:
    data: tuple[str, ...]             # ("user",) is all personal data
    purposes: tuple[str, ...]
    to_kind: Optional[str]
    to_recipient: Optional[str]
    evidence: Evidence
    only_for: tuple[str, ...] = ()    # a restriction "used only for X": purposes are every other one

    @property
    def blanket(self) -> bool:
        """No personal data to anyone: what declaring recipients already means (PL201)."""
        return self.data == (ALL_DATA,) and not self.purposes and self.to_kind is None and self.to_recipient is None


@dataclass(frozen=True)
class Kept:
    """Where data is kept: "stored" in these countries, "domestic" (not across borders), "abroad" to these."""

    how: str
    countries: tuple[str, ...]
    evidence: Evidence


@dataclass(frozen=True)
class Secured:
    rule: str                         # "transport" (TLS) or "logs" (no personal data in logs)
    evidence: Evidence


@dataclass(frozen=True)
class Unnamed:
    """A disclosure to recipients too vague to declare ("third parties"): left for review."""

    data: tuple[str, ...]
    evidence: Evidence


Claim = Union[Collected, Shared, Banned, Kept, Secured, Unnamed]


def extract_claims(document: Document, lexicon: Lexicon) -> list[Claim]:
    return _Extractor(document, lexicon).run()


# ----- the extractor ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Frame:
    kind: str                          # "collect", "share" or "suppress"
    style: Optional[str] = None        # the list style of its items, fixed by the first item


@dataclass
class _Mentions:
    """What a sentence names, for "these companies" and "the above information" in the next one."""

    recipients: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)


@dataclass
class _Trigger:
    kind: str
    start: int
    end: int
    negated: bool = False
    conditional: bool = False
    subject: str = "none"              # first_party, user, other, recipient, none
    subject_hit: Optional[Hit] = None  # the recipient that is the subject
    virtual: bool = False              # lent by a lead-in

    def valid(self) -> bool:
        return not self.conditional and self.subject in ("first_party", "none")


@dataclass
class _Part:
    """A part of a sentence between ";" and "but", with its exception."""

    start: int
    end: int
    exceptions: list[tuple[int, int]] = field(default_factory=list)
    after_semicolon: bool = False


class _Extractor:
    def __init__(self, document: Document, lexicon: Lexicon):
        self.document, self.lexicon = document, lexicon
        self.vocabulary: Vocabulary = lexicon.vocabulary(document.language)
        self.claims: list[Claim] = []

    def run(self) -> list[Claim]:
        frame: Optional[_Frame] = None
        for paragraph in self.document.paragraphs:
            active = None
            if frame is not None and paragraph.list_style and frame.style in (None, paragraph.list_style):
                frame = active = _Frame(frame.kind, paragraph.list_style)
            else:
                frame = None
            previous = _Mentions()
            for index, sentence in enumerate(paragraph.sentences):
                heading = len(paragraph.sentences) == 1 and not sentence.text.rstrip().endswith(SENTENCE_ENDS)
                mentions, lead = _Sentence(self, sentence, active, previous, heading).analyse()
                previous = mentions
                if index == len(paragraph.sentences) - 1 and sentence.is_lead_in:
                    frame = lead
        return self.claims


class _Sentence:
    """One sentence: its phrases, cues and parts, and the claims they make."""

    def __init__(self, extractor: _Extractor, sentence: Sentence, frame: Optional[_Frame], previous: _Mentions,
                 heading: bool = False):
        self.x, self.sentence, self.frame, self.previous, self.heading = extractor, sentence, frame, previous, heading
        self.lexicon, self.v = extractor.lexicon, extractor.vocabulary
        self.text = sentence.text
        self.language = extractor.document.language

    # ----- reading the sentence ---------------------------------------------------------------
    def analyse(self) -> tuple[_Mentions, Optional[_Frame]]:
        text = self.text
        self.hits = self.v.phrases.find(text)
        self.masked = _mask(text, [(h.start, h.end) for h in self.hits])
        mentions = _Mentions(recipients=[rid for h in self.hits for rid in self._recipient_ids(h, ())
                                         if not self.lexicon.recipients[rid].generic],
                             data=self._specific_data(self.hits))
        if self.v.cues["not_claim"].search(text):
            return mentions, _Frame("suppress")
        if text.rstrip().endswith(("?", "？")) or (self.language == "zh" and "如何" in text) or self.heading:
            return mentions, None
        self._read_cues()
        lead: Optional[_Frame] = None
        inherited: list[_Trigger] = []
        for part in self._parts():
            triggers = self._triggers(part)
            if not triggers and part.after_semicolon:
                triggers = [_Trigger(t.kind, part.start, part.start, t.negated, t.conditional, t.subject, None, True)
                            for t in inherited]
            if self.frame is not None and self.frame.kind != "suppress":
                triggers += self._lent(part, triggers)
            inherited = triggers or inherited
            if self.frame is not None and self.frame.kind == "suppress":
                continue
            self._claims(part, triggers)
            lead = lead or self._lead(triggers)
        return mentions, lead

    def _read_cues(self) -> None:
        masked, cues = self.masked, self.v.cues
        self.exception_hits = sorted(cues["exception"].find(masked) + [
            Hit(m.start(), m.end(), m.group()) for m in EXCEPT_FRAME.finditer(masked)], key=lambda h: h.start)
        hidden = [(h.start, h.end) for h in cues["not_negation"].find(masked) + self.exception_hits]
        self.negations = cues["negation"].find(_mask(masked, hidden))
        self.qualifiers = cues["qualifier"].find(masked)
        unconditional = _mask(masked, [(h.start, h.end) for h in cues["not_condition"].find(masked)])
        self.conditions = [(h.start, _clause_end(masked, h.end)) for h in cues["condition"].find(unconditional)]
        subjects = []
        for kind in ("first_party", "user", "other"):
            subjects += [(h.start, h.end, kind) for h in self.v.subjects[kind].find(masked)]
        subjects += [(m.start(), m.end(), "first_party") for m in DOMAIN.finditer(self.text)]
        subjects += [(m.start(), m.end(), "user") for m in PLEASE.finditer(masked)]
        objects_before = self.v.subjects["object_before"]
        self.subjects = sorted(s for s in subjects if not self._is_object(s, objects_before))

    def _is_object(self, subject: tuple[int, int, str], objects_before) -> bool:
        start, end, _ = subject
        if self.text[end:end + 1] == "的":
            return True
        before = self.masked[max(0, start - 12):start].rstrip()
        if self.language == "zh" and CJK_TAIL.search(before):
            return any(before.endswith(hit.text) for hit in objects_before.find(before))
        word = re.search(r"([A-Za-z]+)\W*$", before)
        found = objects_before.find(word.group(1)) if word else []
        return bool(found) and found[0].text == word.group(1)

    def _parts(self) -> list[_Part]:
        """Split at ; and at "but", "and we"; an exception part ("但以下情况除外") joins the part before."""
        masked = _mask(self.masked, [(h.start, h.end) for h in self.v.cues["not_breaks"].find(self.masked)])
        cuts = [(m.start(), m.end(), True) for m in re.finditer(r"[;；]", masked)]
        cuts += [(h.start, h.start, False) for h in self.v.cues["breaks"].find(masked)]
        parts: list[_Part] = []
        start, semicolon = 0, False
        for cut_start, cut_end, is_semicolon in sorted(cuts) + [(len(masked), len(masked), False)]:
            if cut_start > start and masked[start:cut_start].strip(" ,，"):
                part = _Part(start, cut_start, after_semicolon=semicolon)
                excepting = [h for h in self.exception_hits if start <= h.start < cut_start]
                if parts and not semicolon and excepting and not self._triggers(part):
                    parts[-1].exceptions.append((start, cut_start))
                    parts[-1].end = cut_start
                else:
                    for hit in excepting:
                        at_start = _only_punctuation(self.masked[start:hit.start])
                        part.exceptions.append((hit.start, _clause_end(self.masked, hit.end, cut_start)
                                                if at_start else cut_start))
                    parts.append(part)
            start, semicolon = cut_end, is_semicolon
        return parts

    def _triggers(self, part: _Part) -> list[_Trigger]:
        found = []
        for kind, phrases in self.v.triggers.items():
            for hit in phrases.find(self.masked[part.start:part.end]):
                start, end = part.start + hit.start, part.start + hit.end
                if self._in_exception(part, start):
                    continue
                trigger = _Trigger(kind, start, end, negated=self._negated(part, start),
                                   conditional=any(a <= start < b for a, b in self.conditions))
                trigger.subject, trigger.subject_hit = self._subject(part, start)
                found.append(trigger)
        return sorted(found, key=lambda t: t.start)

    def _lent(self, part: _Part, own: list[_Trigger]) -> list[_Trigger]:
        """A list item under a lead-in: without a verb of its own, it takes the lead-in's."""
        kinds = {"collect": ("collect", "provide"), "share": DISCLOSURES}[self.frame.kind]
        if any(t.kind in kinds and (t.negated or t.conditional or t.subject in ("user", "other")) for t in own):
            return []
        opening = next((h for h in self.hits if part.start <= h.start and h.values("recipient")
                        and DETERMINERS.match(self.masked[part.start:h.start])
                        and not self.masked[h.end:].lstrip().startswith((":", "："))),   # "Business Transfer:" labels
                       None)
        return [_Trigger("collect" if self.frame.kind == "collect" else "share", part.start, part.start,
                         subject="first_party", subject_hit=opening, virtual=True)]

    def _negated(self, part: _Part, position: int) -> bool:
        """A negation in the same clause, close before, with no other subject in between."""
        clause = max([part.start] + [m.end() for m in CLAUSE_END.finditer(self.masked, part.start, position)])
        reach = max(clause, position - NEGATION_REACH[self.language])
        return any(reach <= h.start < position and not any(h.end <= s[0] < position for s in self.subjects)
                   for h in self.negations)

    def _subject(self, part: _Part, position: int) -> tuple[str, Optional[Hit]]:
        """The nearest subject before the position: we, you, someone else, or a recipient that opens a
        clause ("Stripe receives ...", "These companies may use ...", "...时,支付宝将获得...")."""
        nearest = [s for s in self.subjects if s[1] <= position]
        leading = [h for h in self.hits if part.start <= h.start and h.end <= position and self._opens_clause(part, h)
                   and (h.values("recipient") or h.values("recipient_anaphor"))
                   and not LIST_BREAK.search(self.masked, self._chain(h)[-1].end, position)]
        if leading and not any(s[0] >= leading[-1].end for s in nearest):
            return "recipient", leading[-1]
        return (nearest[-1][2], None) if nearest else ("none", None)

    def _opens_clause(self, part: _Part, hit: Hit) -> bool:
        starts = [part.start] + [m.end() for m in CLAUSE_END.finditer(self.masked, part.start, hit.start)]
        return bool(DETERMINERS.match(self.masked[max(starts):hit.start]))

    def _chain(self, hit: Hit) -> list[Hit]:
        """The recipient and those joined to it by "and", "or", 或, 和: "支付宝或微信支付"."""
        chain = [hit]
        for other in self.hits:
            if other.start >= chain[-1].end and (other.values("recipient") or other.values("recipient_anaphor")) \
                    and CONJUNCTION.fullmatch(self.masked[chain[-1].end:other.start]):
                chain.append(other)
        return chain

    def _in_exception(self, part: _Part, position: int) -> bool:
        return any(a <= position < b for a, b in part.exceptions)

    # ----- making claims ----------------------------------------------------------------------
    def _claims(self, part: _Part, triggers: list[_Trigger]) -> None:
        hits = [h for h in self.hits if part.start <= h.start < part.end]
        inside = [h for h in hits if not self._in_exception(part, h.start)]
        recipients = self._recipients(part, inside)
        described = [span for _, span in recipients if span]
        plain = [h for h in inside if not any(a <= h.start < b for a, b in described)]
        purposes = _unique([p for h in plain for p in h.values("purpose")] +
                           [self.lexicon.functions[f].purpose for h in plain for f in h.values("function")])
        self._collections(part, plain, triggers)
        self._technologies(part, plain)
        self._disclosures(part, triggers, recipients, plain, purposes)
        self._bans(part, triggers, recipients, plain, purposes, hits)
        self._residency(part, triggers, plain)
        self._security(part, triggers, plain)

    def _collections(self, part: _Part, hits: list[Hit], triggers: list[_Trigger]) -> None:
        collects = any((t.kind == "collect" and t.valid() and not t.negated)
                       or (t.kind == "provide" and t.subject == "user" and not t.negated and not t.conditional)
                       for t in triggers)
        if collects:
            for category in self._specific_data(hits):
                if category != ALL_DATA:
                    self._add(Collected(category, self._evidence(part)))

    def _technologies(self, part: _Part, hits: list[Hit]) -> None:
        """"We use cookies" is a collection whatever the verb, unless you or a browser are the subject."""
        for hit in hits:
            for category in hit.values("technology"):
                subject, _ = self._subject(part, hit.start)
                if subject in ("first_party", "none") and not self._negated(part, hit.start) \
                        and not any(a <= hit.start < b for a, b in self.conditions):
                    self._add(Collected(category, self._evidence(part)))

    def _receivers(self, trigger: _Trigger, recipients) -> list[tuple[Hit, Optional[tuple[int, int]]]]:
        """The recipients a disclosure verb reaches: after "use"/"employ"; after "to" for "provide ... to"."""
        if trigger.kind not in DISCLOSURES + ("store",):
            return []
        return [(hit, span) for hit, span in recipients
                if not (trigger.virtual and hit is trigger.subject_hit)
                and not (trigger.kind == "engage" and not self._object_of(trigger, hit))
                and not (trigger.kind == "share_to" and not self._after_to(hit))
                and not (trigger.kind == "store" and not (self._after_to(hit, HOSTED_ON) and hit.start > trigger.end
                                                          and not LIST_BREAK.search(self.masked, trigger.end, hit.start)))
                and not RELATIVE_SUBJECT.search(self.masked[max(0, hit.start - 30):hit.start])
                and not any(a <= hit.start < b for a, b in self.conditions)]

    def _object_of(self, trigger: _Trigger, hit: Hit) -> bool:
        """"we use advertising companies", "使用...第三方平台,如:PayPal,微信": the recipients right after the
        verb, in its clause, and those listed with them."""
        following = [h for h in self.hits if h.start >= trigger.end]
        first = next((h for h in following if h.values("recipient") or h.values("recipient_anaphor")), None)
        if first is None or any(h.start < first.start and not h.values("purpose") for h in following) \
                or LIST_BREAK.search(self.masked, trigger.end, first.start) or first.start - trigger.end > OBJECT_REACH:
            return False
        listed = [first]
        for other in following:
            gap = self.masked[listed[-1].end:other.start]
            if other.start >= listed[-1].end and (other.values("recipient") or other.values("recipient_anaphor")) \
                    and (CONJUNCTION.fullmatch(gap) or self._such_as(gap)):
                listed.append(other)
        return hit in listed

    def _disclosures(self, part, triggers, recipients, hits, purposes) -> None:
        if self.v.cues["non_personal"].search(self.masked[part.start:part.end]):
            return
        data = self._shared_data(hits)
        chosen: dict[str, tuple[str, ...]] = {}
        named = False
        for trigger in triggers:
            if trigger.negated:
                continue
            if trigger.subject == "recipient" and trigger.kind in ("collect", "engage") and not trigger.conditional:
                for rid in self._subject_recipients(trigger.subject_hit, purposes):
                    chosen.setdefault(rid, ())
                continue
            if not trigger.valid() or (trigger.kind == "sell" and not self._specific_data(hits)):
                continue
            receivers = self._receivers(trigger, recipients)
            for (hit, span), rids in ((r, self._recipient_ids(r[0], purposes)) for r in receivers):
                for rid in rids:
                    extra = ("sales",) if trigger.kind == "sell" else ()
                    chosen[rid] = _unique(chosen.get(rid, ()) + self._described_purposes(span) + extra)
            named = named or (bool(receivers) and not trigger.virtual)
        specific = {rid: p for rid, p in chosen.items() if not self.lexicon.recipients[rid].generic}
        for rid, own in specific.items():
            self._add(Shared(rid, data, _unique(purposes + own), self._evidence(part)))
        if chosen and not specific and named and not self.sentence.is_lead_in:
            self._add(Unnamed(data or (ALL_DATA,), self._evidence(part)))

    def _bans(self, part, triggers, recipients, hits, purposes, all_hits) -> None:
        negated = [t for t in triggers if t.negated and t.valid() and t.kind in DISCLOSURES
                   and (t.kind in ("share", "sell") or self._receivers(t, recipients))]
        only = self.v.cues["only"].find(self.masked[part.start:part.end])
        if negated and not any(h.values("cross_border") for h in hits):
            data = self._shared_data(hits) or (ALL_DATA,)
            ban_purposes = ("sales",) if any(t.kind == "sell" for t in negated) else purposes
            targets = set()
            for hit, _ in recipients:
                for rid in self._recipient_ids(hit, purposes):
                    entry = self.lexicon.recipients[rid]
                    targets.add(None if entry.bans_everyone else rid)
            if None in targets:
                targets = {None}
            for rid in sorted(targets, key=lambda t: t or "") or [None]:
                entry = self.lexicon.recipients.get(rid) if rid else None
                to_kind = entry.kind if entry and not entry.in_catalog else None
                to_recipient = rid if entry and entry.in_catalog else None
                self._add(Banned(data, ban_purposes, to_kind, to_recipient, self._evidence(part)))
            allowed = [h for h in all_hits if self._in_exception(part, h.start)]
            for hit in allowed:
                for rid in self._recipient_ids(hit, purposes):
                    if not self.lexicon.recipients[rid].generic:
                        self._add(Shared(rid, () if data == (ALL_DATA,) else data, (), self._evidence(part)))
        elif only and any(t.kind == "collect" and t.valid() and not t.negated for t in triggers):
            after = part.start + only[0].end
            allowed = _unique(p for h in hits if h.start >= after for p in h.values("purpose"))
            data = [c for c in self._specific_data(hits) if c != ALL_DATA]
            if allowed and data:
                self._add(Banned(tuple(data), self._other_purposes(allowed), None, None, self._evidence(part),
                                 only_for=allowed))

    def _residency(self, part, triggers, hits) -> None:
        moving = [t for t in triggers if t.kind in ("store", "share") and t.valid()]
        if not moving:
            return
        negated = any(t.negated for t in moving)
        cross = any(h.values("cross_border") for h in hits if not self._conditional(h))
        countries, outside = self._countries([h for h in hits if not self._conditional(h)])
        evidence = self._evidence(part)
        if (cross or outside) and negated:
            self._add(Kept("domestic", countries, evidence))
            excepted, _ = self._countries([h for h in self.hits if self._in_exception(part, h.start)])
            if excepted:                       # "not outside the EEA, except to the United States"
                self._add(Kept("abroad", excepted, evidence))
        elif (cross or outside) and not negated:
            self._add(Kept("abroad", tuple(countries), evidence))
        elif countries and not negated:
            stored = any(t.kind == "store" and not t.negated for t in moving)
            self._add(Kept("stored" if stored else "abroad", tuple(countries), evidence))

    def _countries(self, hits: list[Hit]) -> tuple[tuple[str, ...], bool]:
        """Countries named as places ("in China", "outside the EEA"); and whether one follows "outside"."""
        countries, outside = [], False
        for hit in hits:
            for code in hit.values("country"):
                place = self._place_before(hit)
                if self.language == "en" and place is None:
                    continue
                outside = outside or bool(place and place.startswith("outside"))
                countries.append(code)
        return _unique(countries), outside

    def _conditional(self, hit: Hit) -> bool:
        return any(a <= hit.start < b for a, b in self.conditions)

    def _security(self, part, triggers, hits) -> None:
        for hit in hits:
            if hit.values("transport"):
                subject, _ = self._subject(part, hit.start)
                if subject != "user" and not self._negated(part, hit.start) \
                        and not any(a <= hit.start < b for a, b in self.conditions):
                    self._add(Secured("transport", self._evidence(part)))
        if any(h.values("logs") for h in hits) and any(
                t.negated and t.valid() and t.kind in ("collect", "store") for t in triggers):
            self._add(Secured("logs", self._evidence(part)))

    def _lead(self, triggers: list[_Trigger]) -> Optional[_Frame]:
        """What a lead-in lends to its list: disclosure (also the exceptions of a ban), or collection."""
        real = [t for t in triggers if not t.virtual and t.valid()]
        if any(t.kind in ("share", "sell") for t in real):
            return _Frame("share")
        if any(t.kind == "collect" and not t.negated for t in real):
            return _Frame("collect")
        return None

    # ----- phrases ----------------------------------------------------------------------------
    def _recipients(self, part: _Part, hits: list[Hit]) -> list[tuple[Hit, Optional[tuple[int, int]]]]:
        """Recipient phrases with the relative clause that describes each; anaphora resolved; a heading
        recipient followed by "such as" others dropped."""
        found = [h for h in hits if h.values("recipient") or h.values("recipient_anaphor")]
        kept = []
        for index, hit in enumerate(found):
            following = found[index + 1] if index + 1 < len(found) else None
            if following is not None and self._such_as(self.masked[hit.end:following.start]):
                continue
            kept.append((hit, self._relative_clause(part, hit)))
        return kept

    def _recipient_ids(self, hit: Hit, purposes: tuple[str, ...]) -> list[str]:
        if hit.values("recipient_anaphor"):
            return list(_unique(self.previous.recipients))
        tags = [t for t in hit.tags if t.kind == "recipient"]
        in_context = [t.value for t in tags if t.context is not None and t.context in purposes]
        ids = in_context or [t.value for t in tags if t.context is None]
        span = self._relative_clause_at(hit)
        if span is not None:
            functions = [f for h in self.hits if span[0] <= h.start < span[1] for f in h.values("function")]
            if functions and not any(self.lexicon.recipients[rid].in_catalog for rid in ids):
                return list(_unique(functions))
        return ids

    def _subject_recipients(self, hit: Hit, purposes: tuple[str, ...]) -> list[str]:
        return [rid for joined in self._chain(hit) for rid in self._recipient_ids(joined, purposes)
                if not self.lexicon.recipients[rid].generic]

    def _described_purposes(self, span: Optional[tuple[int, int]]) -> tuple[str, ...]:
        if span is None:
            return ()
        found = []
        for hit in self.hits:
            if span[0] <= hit.start < span[1]:
                found += hit.values("purpose")
                found += [self.lexicon.functions[f].purpose for f in hit.values("function")]
        return _unique(found)

    def _relative_clause(self, part: _Part, hit: Hit) -> Optional[tuple[int, int]]:
        span = self._relative_clause_at(hit)
        return (span[0], min(span[1], part.end)) if span else None

    def _relative_clause_at(self, hit: Hit) -> Optional[tuple[int, int]]:
        """English "providers that send ..." after the phrase; Chinese "...处理银行卡的支付机构" before it."""
        after = self.masked[hit.end:]
        relative = self.v.cues["relative"].find(after[:12])
        if relative and not after[:relative[0].start].strip():
            end = DELIMITER.search(self.masked, hit.end + relative[0].end)
            return hit.end, end.start() if end else len(self.masked)
        if self.masked[hit.start - 1:hit.start] == "的":
            starts = [m.end() for m in ZH_CLAUSE_START.finditer(self.masked, 0, hit.start)]
            return (starts[-1] if starts else 0), hit.start
        return None

    def _such_as(self, gap: str) -> bool:
        words = re.sub(r"[\s,，、:：()（）]", "", gap)
        found = self.v.cues["such_as"].find(gap)
        return bool(found) and words == "".join(re.sub(r"\s", "", h.text) for h in found)

    def _after_to(self, hit: Hit, words: tuple[str, str] = ("to", "向|给")) -> bool:
        """"provide ... to partners", "向合作方提供"; for storage "hosted on AWS", "存储于阿里云"."""
        before = self.masked[max(0, hit.start - 24):hit.start]
        if self.language == "zh":
            return bool(re.search(rf"(?:{words[1]})[^，,。；;]{{0,8}}$", before))
        return bool(re.search(rf"\b(?:{words[0]})\s+(?:(?:the|our|its|their|your|trusted|any|all|such)\s+)*$",
                              before, re.IGNORECASE))

    def _place_before(self, hit: Hit) -> Optional[str]:
        before = self.masked[max(0, hit.start - 40):hit.start]
        places = self.v.cues["place"].find(before)
        if places and re.fullmatch(r"\s*(?:the\s+)?(?:mainland\s+)?", before[places[-1].end:], re.IGNORECASE):
            return places[-1].text.lower()
        return None if self.language == "en" else ""

    def _specific_data(self, hits: list[Hit]) -> list[str]:
        """Items named, and the umbrellas ("basic information") that list none of their own items."""
        items = _unique(c for h in hits for kind in ("data", "technology") for c in h.values(kind))
        found = []
        for hit in hits:
            found += hit.values("data") + hit.values("technology")
            for umbrella in hit.values("umbrella"):
                if not any(covers(u, item) for u in umbrella for item in items):
                    found += list(umbrella)
        found = list(_unique(found))
        return [c for c in found if c != ALL_DATA] or found

    def _shared_data(self, hits: list[Hit]) -> tuple[str, ...]:
        data = self._specific_data(hits)
        if not data and any(h.values("data_anaphor") for h in hits):
            data = self.previous.data
        return tuple(data)

    def _other_purposes(self, allowed: tuple[str, ...]) -> tuple[str, ...]:
        """Every purpose that neither covers nor falls under an allowed one, as high in the tree as possible."""
        result = []
        for purpose in self.lexicon.purposes:
            if any(covers(purpose, a) or covers(a, purpose) for a in allowed):
                continue
            parent = purpose.rpartition(".")[0]
            if parent and not any(covers(parent, a) for a in allowed):
                continue
            result.append(purpose)
        return tuple(result)

    def _evidence(self, part: _Part) -> Evidence:
        raw = self.text[part.start:part.end]
        lead = len(raw) - len(raw.lstrip(" ,，"))
        quote = raw.strip(" ,，")
        qualifier = next((h.text for h in self.qualifiers if part.start <= h.start < part.end), None)
        exception = "; ".join(self.text[a:b].strip(" ,，") for a, b in part.exceptions) or None
        return Evidence(self.x.document.path, self.sentence.line_at(part.start + lead), quote, qualifier, exception)

    def _add(self, claim: Claim) -> None:
        if claim not in self.x.claims:
            self.x.claims.append(claim)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "#" * (end - start)
    return "".join(chars)


def _clause_end(text: str, start: int, limit: Optional[int] = None) -> int:
    match = CLAUSE_END.search(text, start, limit if limit is not None else len(text))
    return match.start() if match else (limit if limit is not None else len(text))


def _only_punctuation(text: str) -> bool:
    return not re.sub(r"[\s\W_]", "", text.replace("#", "x"))


def _unique(items) -> tuple:
    return tuple(dict.fromkeys(items))
