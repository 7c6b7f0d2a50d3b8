"""What every edit screen does the same way: bind on POST, call the service, put its errors on
the form, answer a stale save with 409 and the user's input kept."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from evaluation.forms.common import TransitionForm
from evaluation.models import Action
from evaluation.renderers.layout import About
from evaluation.services import review, workflow
from evaluation.services.editing import StaleEditError
from projects.domain import fiscal_year_short_label

STALE_STATUS = 409


def query_without_page(request, name: str = "page") -> str:
    """The query string of the request without `page` (or the pager's `name`), for the
    pager's links."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def asked_page_size(request) -> int | None:
    """`?page_size=` as a positive number, None (the list's default) otherwise; the list caps
    it at its own page size (page_of)."""
    try:
        size = int(request.GET.get("page_size", ""))
    except ValueError:
        return None
    return size if size > 0 else None


def posted(request):
    """The POST data of a POST (even an empty one), None for a GET: binds forms correctly. On
    the GET after logging in again, the input kept when the session had expired binds the form
    instead, once (the middleware that keeps it hands it over as `request.take_kept_input`)."""
    if request.method == "POST":
        return request.POST
    take = getattr(request, "take_kept_input", None)
    data = take() if take is not None else None
    if data is None:
        return None
    messages.info(request, _("前回入力した内容を戻しました。確認して、もう一度保存してください。"))
    return data


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the field exists."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            try:
                form.add_error(field, errors)  # a form may map its own keys (ReportEntryForm)
            except ValueError:  # the form has no such field
                form.add_error(None, errors)
    else:
        form.add_error(None, error.messages)


def edit_screen(request, *, record, make_form, template, context, save, success, done_url):
    """GET shows the form; POST validates it and calls `save(form)`. A stale version answers
    409 with the form rebuilt on the current version and the changes listed; any other
    ValidationError is shown on the form; success redirects with a message."""
    form = make_form(posted(request), record)
    extra = context.pop("forms", {})
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in extra.values()):
        try:
            save(form)
        except StaleEditError as stale:
            data = request.POST.copy()
            data["version"] = str(stale.obj.version)
            form = make_form(data, stale.obj)
            form.is_valid()
            form.add_error(None, _("画面を開いた後に他の利用者が保存しています。"))
            context.update(form=form, stale=stale, **extra)
            return render(request, template, context, status=STALE_STATUS)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(done_url)
    context.update(form=form, **extra)
    return render(request, template, context)


def transition_screen(request, *, record, action: str, context: dict, label: str):
    """GET confirms, POST takes a workflow action on a record the user may see. 404 for an
    unknown action; 403 for an action the user may not take now."""
    try:
        action = Action(action)
    except ValueError:
        raise Http404 from None
    if action not in record.actions_for(request.user):
        raise PermissionDenied
    submitting = action == Action.SUBMIT
    gaps = review.submission_gaps(record) if submitting else []
    form = TransitionForm(posted(request), ask_confirmation=bool(gaps))
    if request.method == "POST" and form.is_valid():
        try:
            workflow.workflow_transition(
                obj=record,
                action=action,
                by=request.user,
                comment=form.cleaned_data["comment"],
                confirm_gaps=form.cleaned_data.get("confirm_gaps", False) if submitting else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(what)sを%(done)s。") % {"what": label, "done": action.done}
            )
            return redirect(record)
    context.update(form=form, action=action, record=record, label=label, gaps=gaps)
    return render(request, "evaluation/transition.html", context)


def export_about(request, *, fiscal_year: int | None = None, filters=()) -> About:
    """What the title block of a downloaded workbook says beyond its title: the fiscal year,
    the filters as (label, text) with a value, and who made it."""
    user = request.user
    made_by = (user.get_full_name() or user.get_username()) if user.is_authenticated else ""
    shown = tuple((str(label), str(text)) for label, text in filters if text not in (None, ""))
    return About(fiscal_year=fiscal_year, filters=shown, made_by=made_by)


def year_name(year: int | None) -> str:
    """A fiscal year as a part of a file name: 「2007年度」 ("FY2007" in English)."""
    return fiscal_year_short_label(year, get_language() or "ja") if year else ""
