"""One declarative workflow mechanism for every state machine of Essaim (issue #14, item 2).

A workflow is data: the states come from a ``TextChoices`` enum, and each ``Transition`` says

- its ``name`` (an identifier: service suffix, URL slug, permission ``<prefix>.<name>``) and its French
  ``label`` (the button);
- the ``sources`` it starts from and its ``target`` (a state, or a function of the object for the moves
  whose target depends on the past, such as « reprendre le projet »);
- ``who`` may take it: a named ``rules`` predicate on ``(user, object)``, described by ``who_label``;
- its ``guards``: functions of ``(object, context)`` that return ``None`` or the French reason of a
  refusal (a ``Guard`` may be overridable by a named predicate with a written reason, which is logged);
- whether a comment is ``required`` (``comment``, ``comment_label``), the extra inputs it asks for
  (``fields``), who is notified (``notify``, after the commit), its side effects (``prepare`` before the
  row is locked, with the object as the caller passed it; ``effect`` before it is saved; ``after`` once
  it is saved and logged; all in the same transaction) and whether its effective date may lie in the
  future (``dates``).

``transition(obj, name, *, user, comment, effective_date)`` is the one entry point: it finds the object's
workflow, runs ``prepare``, locks the row (``select_for_update``), checks the source state, the user's
right (the workflow's ``visibility`` and the transition's ``who``), the comment, the effective date (never
after today for an event that has happened, never before the date the object entered its current
state) and the guards, applies the effects and the new state, writes the log line (who, for which
organisation, when it was recorded, its effective date, from, to, comment, override reason) and
schedules the notifications once the transaction commits. Anything refused raises the workflow's own
French error and writes nothing.

Declaration mistakes (an unknown state, a transition without label, two transitions of the same
name…) raise ``WorkflowDeclarationError`` when the module that declares the workflow is imported, so
they fail every test run and the server's start-up. See docs/architecture.md, « Workflows ».
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import rules
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

NONE, OPTIONAL, REQUIRED = "none", "optional", "required"
COMMENT_POLICIES = (NONE, OPTIONAL, REQUIRED)
# Effective dates: an event that has happened (a decision, a signature, a payment, a stage reached) is
# never dated after today; a plan may be.
PAST_OR_TODAY, ANY_DATE = "past_or_today", "any"
DATE_POLICIES = (PAST_OR_TODAY, ANY_DATE)
# No effective date before this day is plausible for the programme's records (the programme started in
# December 2020; the oldest école de production of the région opened in 2012).
EARLIEST_EFFECTIVE_DATE = dt.date(2000, 1, 1)

UNKNOWN_TRANSITION = "Action inconnue : « {name} »."
NOT_FROM_STATE = "Action impossible : {noun} est « {state} », l'action « {label} » n'est possible que depuis {sources}."
FORBIDDEN = "Vous n'avez pas le droit de faire cette action ({who} seulement)."
COMMENT_REQUIRED = "Précisez : {comment_label}."
DATE_IN_FUTURE = (
    "La date d'effet ({date}) est dans le futur : « {label} » ne peut être daté que d'aujourd'hui au plus tard."
)
DATE_TOO_EARLY = "La date d'effet ({date}) est antérieure au {earliest:%d/%m/%Y} : vérifiez l'année."
DATE_BEFORE_STATE = (
    "La date d'effet ({date}) précède le {since:%d/%m/%Y}, date à laquelle {noun} est passé à l'état « {state} » : "
    "« {label} » ne peut pas être daté d'avant."
)
OVERRIDE_HINT = " Vous pouvez passer outre en indiquant par écrit la raison de votre décision."
OVERRIDE_FORBIDDEN = "Seul {who} peut passer outre cette condition."


class WorkflowDeclarationError(ImproperlyConfigured):
    """A workflow is declared wrongly (raised when its module is imported)."""


@dataclass(frozen=True)
class Refusal:
    """What a guard answers when it refuses: the French reason, and the form field it concerns."""

    message: str
    field: str | None = None


@dataclass(frozen=True)
class Guard:
    """A condition a transition checks. ``check(obj, context)`` returns ``None`` when it holds, else the
    French reason (a ``str`` or a ``Refusal``). An overridable guard can be passed by the users of
    ``overridable_by`` (a rules predicate on ``(user, obj)``) with a written reason, which is logged."""

    check: Callable[[Any, Context], str | Refusal | None]
    overridable_by: rules.Predicate | None = None
    overridable_label: str = ""  # who may override, in French (« le financeur »)

    @property
    def name(self) -> str:
        return getattr(self.check, "__name__", "guard")


@dataclass
class Context:
    """What a transition is applied with, handed to guards and hooks."""

    user: Any
    organization: Any
    comment: str
    effective_date: dt.date
    recorded_at: dt.datetime
    data: dict[str, Any]
    source: str = ""
    override_reason: str = ""
    overridden: list[str] = field(default_factory=list)  # French reasons of the guards passed by override
    results: dict[str, Any] = field(default_factory=dict)  # what hooks create (an order, a credit note…)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str | Callable[[Any], str]
    who: rules.Predicate
    who_label: str
    guards: tuple[Guard | Callable, ...] = ()
    comment: str = OPTIONAL
    comment_label: str = "Commentaire"
    fields: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    prepare: Callable[[Any, Context], None] | None = None
    effect: Callable[[Any, Context], None] | None = None
    after: Callable[[Any, Context], None] | None = None
    dates: str = PAST_OR_TODAY
    automatic: bool = False  # taken by Essaim as a consequence of another action: never offered as a button
    done: str = ""  # success message
    style: str = "primary"  # primary, secondary or danger (the button's look)
    permission: str = ""  # "<prefix>.<name>", set by the workflow

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(str(s) for s in self.sources))
        object.__setattr__(
            self, "guards", tuple(g if isinstance(g, Guard) else Guard(check=g) for g in self.guards or ())
        )

    def target_for(self, obj) -> str:
        return self.target(obj) if callable(self.target) else self.target

    @property
    def comment_required(self) -> bool:
        return self.comment == REQUIRED

    @property
    def has_overridable_guards(self) -> bool:
        return any(guard.overridable_by is not None for guard in self.guards)


@dataclass(frozen=True)
class LogFields:
    """Column names of a workflow's log model (the older logs kept theirs)."""

    object: str
    name: str | None = "name"
    source: str = "from_state"
    target: str = "to_state"
    user: str = "by"
    organization: str | None = "organization"
    recorded_at: str | None = "recorded_at"
    effective_date: str = "effective_date"
    comment: str = "comment"
    override_reason: str | None = "override_reason"


_REGISTRY: dict[str, Workflow] = {}


def _today() -> dt.date:
    return timezone.localdate()


def _date_text(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _default_refused(message: str, field: str | None = None) -> Exception:
    error = ValidationError({field: message} if field else message, code="transition_refused")
    return error


class Workflow:
    """A declared state machine on one model (see the module docstring)."""

    def __init__(
        self,
        *,
        model: str,
        states: type[models.TextChoices],
        transitions: Iterable[Transition],
        log_model: str,
        log_fields: LogFields,
        permission_prefix: str,
        noun: str,
        state_field: str = "status",
        visibility: rules.Predicate | None = None,
        organization_of: Callable[[Any], Any] | None = None,
        notifier: Callable[..., None] | None = None,
        audiences: Iterable[str] = (),
        fields: Iterable[str] = (),
        refused: Callable[[str, str | None], Exception] = _default_refused,
        forbidden: type[PermissionDenied] = PermissionDenied,
        system_allowed: bool = False,
        full_clean: bool = True,
        state_since: Callable[[Any], dt.date | None] | None = None,
        dates_follow_log: bool = True,
        messages: dict[str, str] | None = None,
        register: bool = True,
    ):
        self.model_label = model
        self.states = states
        self.transitions = tuple(transitions)
        self.log_model_label = log_model
        self.log_fields = log_fields
        self.permission_prefix = permission_prefix
        self.noun = noun  # « le dossier », « le projet », « la facture »
        self.state_field = state_field
        self.visibility = visibility
        self.organization_of = organization_of
        self.notifier = notifier
        self.audiences = frozenset(audiences)
        self.fields = frozenset(fields)
        self.refused = refused
        self.forbidden = forbidden
        self.system_allowed = system_allowed
        self.full_clean = full_clean
        self.state_since_hook = state_since
        self.dates_follow_log = dates_follow_log
        self.messages = {
            "not_from_state": NOT_FROM_STATE,
            "forbidden": FORBIDDEN,
            "comment_required": COMMENT_REQUIRED,
            **(messages or {}),
        }
        self._validate()
        self.by_name = {}
        for transition in self.transitions:
            permission = f"{permission_prefix}.{transition.name}"
            object.__setattr__(transition, "permission", permission)
            self.by_name[transition.name] = transition
            if register:
                rules.set_perm(permission, transition.who & self._state_in(transition.sources))
        if register:
            if model.lower() in _REGISTRY:
                self._fail("un workflow est déjà déclaré pour ce modèle.")
            _REGISTRY[model.lower()] = self

    # --- Declaration ---------------------------------------------------------------------------------

    def _fail(self, message: str):
        raise WorkflowDeclarationError(f"Workflow {self.model_label} : {message}")

    def _validate(self) -> None:
        if not (isinstance(self.states, type) and issubclass(self.states, models.Choices)):
            self._fail("les états doivent venir d'une énumération TextChoices.")
        if not self.noun:
            self._fail("nommez l'objet (« le dossier ») pour les messages.")
        if self.organization_of is None and self.log_fields.organization:
            self._fail("le journal garde l'organisation : indiquez organization_of.")
        if unknown := sorted(set(self.messages) - {"not_from_state", "forbidden", "comment_required"}):
            self._fail(f"messages inconnus : {', '.join(unknown)}.")
        states = set(self.states.values)
        seen: set[str] = set()
        if not self.transitions:
            self._fail("aucune transition déclarée.")
        for transition in self.transitions:
            where = f"transition « {transition.name} »"
            if not transition.name or not transition.name.replace("_", "").isalnum():
                self._fail(f"{where} : le nom doit être un identifiant (lettres, chiffres, _).")
            if transition.name in seen:
                self._fail(f"{where} déclarée deux fois.")
            seen.add(transition.name)
            if not transition.label.strip():
                self._fail(f"{where} : libellé manquant.")
            if not transition.sources:
                self._fail(f"{where} : aucun état de départ.")
            if unknown := sorted(transition.sources - states):
                self._fail(f"{where} : état(s) de départ inconnu(s) : {', '.join(unknown)}.")
            if not callable(transition.target) and transition.target not in states:
                self._fail(f"{where} : état d'arrivée inconnu : {transition.target}.")
            if not isinstance(transition.who, rules.Predicate):
                self._fail(f"{where} : « who » doit être un prédicat rules nommé.")
            if not transition.who_label.strip():
                self._fail(f"{where} : dites qui peut la faire (who_label).")
            if transition.comment not in COMMENT_POLICIES:
                self._fail(f"{where} : commentaire « {transition.comment} » inconnu ({', '.join(COMMENT_POLICIES)}).")
            if transition.comment == REQUIRED and not transition.comment_label.strip():
                self._fail(f"{where} : un commentaire obligatoire a un libellé.")
            if transition.dates not in DATE_POLICIES:
                self._fail(f"{where} : règle de date « {transition.dates} » inconnue.")
            if unknown := sorted(set(transition.notify) - self.audiences):
                self._fail(f"{where} : destinataires inconnus : {', '.join(unknown)}.")
            if transition.notify and self.notifier is None:
                self._fail(f"{where} : des destinataires sans fonction d'envoi (notifier).")
            if unknown := sorted(set(transition.fields) - self.fields):
                self._fail(f"{where} : champs inconnus : {', '.join(unknown)}.")
            for guard in transition.guards:
                if not callable(guard.check):
                    self._fail(f"{where} : une condition n'est pas une fonction.")
                if guard.overridable_by is not None and not isinstance(guard.overridable_by, rules.Predicate):
                    self._fail(f"{where} : qui peut passer outre une condition est un prédicat rules.")
                if guard.overridable_by is not None and not guard.overridable_label:
                    self._fail(f"{where} : dites qui peut passer outre la condition « {guard.name} ».")
            for hook in ("prepare", "effect", "after"):
                value = getattr(transition, hook)
                if value is not None and not callable(value):
                    self._fail(f"{where} : « {hook} » n'est pas une fonction.")

    def _state_in(self, states):
        names = ",".join(sorted(states))
        state_field = self.state_field

        @rules.predicate(name=f"state_in({names})")
        def predicate(user, obj):
            return obj is not None and getattr(obj, state_field) in states

        return predicate

    # --- Reading -------------------------------------------------------------------------------------

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def log_model(self) -> type[models.Model]:
        return apps.get_model(self.log_model_label)

    def get(self, name: str) -> Transition | None:
        return self.by_name.get(name)

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def may(self, user, obj, transition: Transition) -> bool:
        """Whether ``user`` may take ``transition`` on ``obj`` now (state, visibility and ``who``)."""
        if getattr(obj, self.state_field) not in transition.sources:
            return False
        if self.visibility is not None and not self.visibility.test(user, obj):
            return False
        return transition.who.test(user, obj)

    def available(self, user, obj, *, automatic: bool = False) -> list[Transition]:
        """The transitions ``user`` may take now on ``obj``, in declaration order (the page's buttons);
        automatic transitions are left out unless asked for."""
        return [t for t in self.transitions if (automatic or not t.automatic) and self.may(user, obj, t)]

    def offered(self, user, obj) -> dict[str, Transition | None]:
        """Every transition's name → the transition when ``user`` may take it now on ``obj``, else None
        (for templates: ``{% if transitions.send %}``, each name always defined)."""
        available = {t.name for t in self.available(user, obj)}
        return {t.name: (t if t.name in available else None) for t in self.transitions}

    def state_since(self, obj) -> dt.date | None:
        """The effective date on which ``obj`` entered its current state (its last log line), if logged."""
        if self.state_since_hook is not None:
            return self.state_since_hook(obj)
        names = self.log_fields
        last = (
            self.log_model.objects.filter(**{names.object: obj})
            .order_by(f"-{names.effective_date}", "-pk")
            .values_list(names.effective_date, flat=True)
            .first()
        )
        return last

    # --- Applying ------------------------------------------------------------------------------------

    def lock(self, obj):
        return type(obj).objects.select_for_update(of=("self",)).get(pk=obj.pk)

    def apply(
        self,
        obj,
        name: str,
        *,
        user,
        comment: str = "",
        effective_date: dt.date | None = None,
        override_reason: str = "",
        **data,
    ):
        transition = self.get(name)
        if transition is None:
            raise self.refused(UNKNOWN_TRANSITION.format(name=name), None)
        if user is None and not self.system_allowed:
            raise self.forbidden(self._message("forbidden", transition))
        with transaction.atomic():
            context = Context(
                user=user,
                organization=self.organization_of(user) if (user is not None and self.organization_of) else None,
                comment=(comment or "").strip(),
                effective_date=effective_date or _today(),
                recorded_at=timezone.now(),
                data=data,
                override_reason=(override_reason or "").strip(),
            )
            if transition.prepare is not None:
                transition.prepare(obj, context)
            locked = self.lock(obj)
            context.source = getattr(locked, self.state_field)
            self._check(transition, locked, context)
            target = transition.target_for(locked)
            if target not in self.states.values:
                raise self.refused(f"État d'arrivée inconnu : {target}.", None)
            if transition.effect is not None:
                transition.effect(locked, context)
            setattr(locked, self.state_field, target)
            if self.full_clean:
                locked.full_clean()
            locked._history_user = user
            locked.save()
            log = self._write_log(locked, transition, context, target)
            log.results = context.results  # what the hooks created, for the caller (not stored)
            if transition.after is not None:
                transition.after(locked, context)
            for model_field in type(locked)._meta.concrete_fields:
                setattr(obj, model_field.attname, getattr(locked, model_field.attname))
            if transition.notify and self.notifier is not None:
                notifier = self.notifier
                transaction.on_commit(lambda: notifier(obj=locked, transition=transition, log=log, user=user))
        return log

    def _check(self, transition: Transition, locked, context: Context) -> None:
        user = context.user
        if user is not None:
            if self.visibility is not None and not self.visibility.test(user, locked):
                raise self.forbidden(self._message("forbidden", transition))
            if not transition.who.test(user, locked):
                raise self.forbidden(self._message("forbidden", transition))
        if context.source not in transition.sources:
            raise self.refused(self._message("not_from_state", transition, state=context.source), None)
        if transition.comment == REQUIRED and not context.comment:
            raise self.refused(self._message("comment_required", transition), "comment")
        self._check_date(transition, locked, context)
        for guard in transition.guards:
            answer = guard.check(locked, context)
            if not answer:
                continue
            refusal = answer if isinstance(answer, Refusal) else Refusal(str(answer))
            if guard.overridable_by is not None:
                may_override = user is not None and guard.overridable_by.test(user, locked)
                if may_override and context.override_reason:
                    context.overridden.append(refusal.message)
                    continue
                hint = OVERRIDE_HINT if may_override else " " + OVERRIDE_FORBIDDEN.format(who=guard.overridable_label)
                raise self.refused(refusal.message + hint, refusal.field)
            raise self.refused(refusal.message, refusal.field)

    def _message(self, key: str, transition: Transition, *, state: str = "") -> str:
        sources = " ou ".join(f"« {self.state_label(s)} »" for s in sorted(transition.sources))
        return self.messages[key].format(
            noun=self.noun,
            state=self.state_label(state),
            label=transition.label,
            sources=sources,
            who=transition.who_label,
            comment_label=transition.comment_label.lower(),
        )

    def _check_date(self, transition: Transition, locked, context: Context) -> None:
        day = context.effective_date
        if day < EARLIEST_EFFECTIVE_DATE:
            raise self.refused(
                DATE_TOO_EARLY.format(date=_date_text(day), earliest=EARLIEST_EFFECTIVE_DATE), "effective_date"
            )
        if transition.dates == PAST_OR_TODAY and day > _today():
            raise self.refused(DATE_IN_FUTURE.format(date=_date_text(day), label=transition.label), "effective_date")
        since = self.state_since(locked) if self.dates_follow_log else None
        if since is not None and day < since:
            raise self.refused(
                DATE_BEFORE_STATE.format(
                    date=_date_text(day),
                    since=since,
                    noun=self.noun,
                    state=self.state_label(context.source),
                    label=transition.label,
                ),
                "effective_date",
            )

    def _write_log(self, locked, transition: Transition, context: Context, target: str):
        names = self.log_fields
        values = {
            names.object: locked,
            names.source: context.source,
            names.target: target,
            names.user: context.user,
            names.effective_date: context.effective_date,
            names.comment: context.comment,
        }
        if names.name:
            values[names.name] = transition.name
        if names.organization:
            values[names.organization] = context.organization
        if names.recorded_at:
            values[names.recorded_at] = context.recorded_at
        if names.override_reason:
            values[names.override_reason] = (
                "\n".join([*(f"Condition non remplie : {m}" for m in context.overridden), context.override_reason])
                if context.overridden
                else ""
            )
        return self.log_model.objects.create(**values)


def workflow_for(obj_or_model) -> Workflow:
    """The workflow declared on this object's (or model's) class."""
    label = obj_or_model._meta.label_lower
    try:
        return _REGISTRY[label]
    except KeyError:
        raise LookupError(f"No workflow is declared for {label}.") from None


def transition(
    obj,
    name: str,
    *,
    user,
    comment: str = "",
    effective_date: dt.date | None = None,
    override_reason: str = "",
    **data,
):
    """Apply the transition ``name`` to ``obj`` (the one entry point; see the module docstring).

    Returns the log line. Raises the workflow's French refusal (nothing written) or its permission error.
    """
    return workflow_for(obj).apply(
        obj,
        name,
        user=user,
        comment=comment,
        effective_date=effective_date,
        override_reason=override_reason,
        **data,
    )


def available_transitions(user, obj, *, automatic: bool = False) -> list[Transition]:
    """The transitions ``user`` may take now on ``obj`` (for the page's buttons)."""
    return workflow_for(obj).available(user, obj, automatic=automatic)


def registered_workflows() -> dict[str, Workflow]:
    return dict(_REGISTRY)
