"""Grades: the gradebook and its CSV, one submission in full, overrides, regrading one, results.json."""

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grader.db import db
from grader.exports import current_payload, gradescope_results
from grader.gradebook import build_gradebook, gradebook_csv, sort_rows
from grader.models import Submission
from grader.overrides import OverrideRejected, set_override, submission_overrides
from grader.policy import due_for, late_factor
from grader.regrades import regrade_submission
from grader.staff import bp
from grader.staff.access import course_submission, staff_course
from grader.staff.forms import ActionForm, OverrideForm


def _gradebook_from_request(course):
    gradebook = build_gradebook(course, query=request.args.get("q", ""), published_only=True)
    sort_rows(gradebook, request.args.get("sort", "username"), request.args.get("dir") == "desc")
    return gradebook


@bp.route("/courses/<course_slug>/gradebook")
@login_required
def gradebook(course_slug):
    course, role = staff_course(course_slug)
    return render_template("staff/gradebook.html", course=course, role=role, book=_gradebook_from_request(course),
                           q=request.args.get("q", ""), sort=request.args.get("sort", "username"),
                           descending=request.args.get("dir") == "desc")


@bp.route("/courses/<course_slug>/gradebook.csv")
@login_required
def gradebook_export(course_slug):
    course, role = staff_course(course_slug)
    return Response(gradebook_csv(_gradebook_from_request(course)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{course.slug}-grades.csv"'})


@bp.route("/courses/<course_slug>/submissions/<int:submission_id>")
@login_required
def submission(course_slug, submission_id):
    course, role = staff_course(course_slug)
    submission = course_submission(course, submission_id)
    due = due_for(submission.assignment, submission.user_id)
    attempts = list(db.session.scalars(select(Submission).where(
        Submission.assignment_id == submission.assignment_id, Submission.user_id == submission.user_id)
        .order_by(Submission.attempt.desc())))
    return render_template("staff/submission.html", course=course, role=role, submission=submission,
                           assignment=submission.assignment, result=current_payload(submission),
                           due_at=due, late_factor=late_factor(submission.assignment, submission.created_at, due),
                           attempts=attempts, history=submission.results, overrides=submission_overrides(submission),
                           form=OverrideForm(), action=ActionForm())


@bp.route("/courses/<course_slug>/submissions/<int:submission_id>/override", methods=["POST"])
@login_required
def override(course_slug, submission_id):
    course, role = staff_course(course_slug)
    submission = course_submission(course, submission_id)
    form = OverrideForm()
    if form.validate_on_submit():
        score = float(form.score.data) if form.score.data is not None else None
        try:
            set_override(submission, current_user, score, form.comment.data)
        except OverrideRejected as error:
            flash(str(error), "error")
        else:
            flash("Override removed." if score is None else f"Score set to {score:g}.", "success")
    else:
        flash("; ".join(f"{form[name].label.text}: {', '.join(errors)}" for name, errors in form.errors.items()),
              "error")
    return redirect(url_for("staff.submission", course_slug=course.slug, submission_id=submission.id))


@bp.route("/courses/<course_slug>/submissions/<int:submission_id>/regrade", methods=["POST"])
@login_required
def regrade(course_slug, submission_id):
    course, role = staff_course(course_slug)
    submission = course_submission(course, submission_id)
    if ActionForm().validate_on_submit():
        regrade_submission(submission)
        flash("Queued for regrading; the earlier result is kept in the history.", "success")
    return redirect(url_for("staff.submission", course_slug=course.slug, submission_id=submission.id))


@bp.route("/courses/<course_slug>/submissions/<int:submission_id>/results.json")
@login_required
def results_json(course_slug, submission_id):
    course, role = staff_course(course_slug)
    submission = course_submission(course, submission_id)
    body = json.dumps(gradescope_results(submission, submission.user, current_payload(submission)), indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="results-{submission.id}.json"'})
