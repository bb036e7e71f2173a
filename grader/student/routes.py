from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from grader.auth.roles import (assignment_or_404, can_view_submission, course_or_404, require_enrolled,
                               role_in)
from grader.db import db
from grader.leaderboard import has_leaderboard, leaderboards
from grader.models import Submission
from grader.policy import due_for, late_factor
from grader.student import bp
from grader.student.forms import SubmitForm
from grader.student.views import assignment_rows, my_courses, my_submissions, visible_result
from grader.submissions import SubmissionRejected, create_submission, decode_upload


@bp.route("/")
@login_required
def index():
    courses = my_courses(current_user)
    if len(courses) == 1:
        return redirect(url_for("student.course", course_slug=courses[0][0].slug))
    return render_template("student/index.html", courses=courses)


@bp.route("/courses/<course_slug>")
@login_required
def course(course_slug):
    course = course_or_404(course_slug)
    role = require_enrolled(course)
    rows = assignment_rows(course, current_user, include_unpublished=role.is_staff)
    return render_template("student/course.html", course=course, role=role, rows=rows)


@bp.route("/courses/<course_slug>/assignments/<slug>", methods=["GET", "POST"])
@login_required
def assignment(course_slug, slug):
    course, role, assignment = _enrolled_assignment(course_slug, slug)
    form = SubmitForm()
    status = 200
    if form.validate_on_submit():
        try:
            filename, code = _read_submission_form(form)
            submission = create_submission(assignment, current_user, filename, code)
            return redirect(url_for("student.submission", submission_id=submission.id))
        except SubmissionRejected as rejected:
            flash(rejected.message, "error")
            status = rejected.status
    elif form.errors:
        flash("The form expired; please submit again.", "error")
        status = 400
    return render_template("student/assignment.html", course=course, assignment=assignment, form=form, role=role,
                           due_at=due_for(assignment, current_user.id), has_leaderboard=has_leaderboard(assignment),
                           submissions=my_submissions(assignment, current_user)), status


def _enrolled_assignment(course_slug: str, slug: str):
    """(course, role, assignment) for an enrolled user; students see published assignments only."""
    course = course_or_404(course_slug)
    role = require_enrolled(course)
    return course, role, assignment_or_404(course, slug, published_only=not role.is_staff)


def _read_submission_form(form: SubmitForm) -> tuple[str, str]:
    """The (filename, code) of an upload or a paste; raises SubmissionRejected."""
    limit = current_app.config["GRADER"].max_upload_bytes
    upload = form.file.data
    if upload and upload.filename:
        return upload.filename, decode_upload(upload.filename, upload.read(limit + 1), limit)
    pasted = (form.code.data or "").replace("\r\n", "\n")
    if pasted.strip():
        return "pasted.py", decode_upload("pasted.py", pasted.encode("utf-8"), limit)
    raise SubmissionRejected("empty", "Choose a .py file to upload or paste your code.")


@bp.route("/courses/<course_slug>/assignments/<slug>/starter.py")
@login_required
def starter(course_slug, slug):
    course, role, assignment = _enrolled_assignment(course_slug, slug)
    return Response(assignment.starter_code, mimetype="text/x-python",
                    headers={"Content-Disposition": f'attachment; filename="{assignment.slug}.py"'})


@bp.route("/courses/<course_slug>/assignments/<slug>/leaderboard")
@login_required
def leaderboard(course_slug, slug):
    course, role, assignment = _enrolled_assignment(course_slug, slug)
    return render_template("student/leaderboard.html", course=course, assignment=assignment, staff=role.is_staff,
                           boards=leaderboards(assignment))


def _viewable_submission(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    if not can_view_submission(submission):
        abort(403)
    return submission


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission(submission_id):
    submission = _viewable_submission(submission_id)
    return render_template("student/submission.html", **_submission_context(submission))


@bp.route("/submissions/<int:submission_id>/panel")
@login_required
def submission_panel(submission_id):
    """The live part of the submission page, fetched by its script until grading ends."""
    submission = _viewable_submission(submission_id)
    return render_template("student/_result.html", **_submission_context(submission))


@bp.route("/submissions/<int:submission_id>/status.json")
@login_required
def submission_status(submission_id):
    submission = _viewable_submission(submission_id)
    return jsonify(id=submission.id, status=submission.status)


def _submission_context(submission: Submission) -> dict:
    role = role_in(submission.assignment.course)
    staff = role is not None and role.is_staff
    due = due_for(submission.assignment, submission.user_id)
    return dict(submission=submission, assignment=submission.assignment, course=submission.assignment.course,
                result=visible_result(submission, staff=staff), staff=staff, due_at=due,
                late_factor=late_factor(submission.assignment, submission.created_at, due))
