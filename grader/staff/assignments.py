"""Assignment pages: add (upload or built-in), validate, settings, publish, extensions, dashboard, regrade, export."""

from datetime import timezone

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from grader.authoring import (AssignmentSettings, add_builtin, available_builtins, extensions, grant_extension,
                              revoke_extension, set_published, update_settings)
from grader.charts import score_histogram, timeline
from grader.dashboard import build_dashboard, find_submissions, queue_status
from grader.exports import assignment_results_zip
from grader.models import Status
from grader.regrades import regrade_assignment
from grader.staff import bp
from grader.staff.access import course_assignment, instructor_course, may_upload_code, staff_course
from grader.staff.forms import (ActionForm, AssignmentUploadForm, BuiltinForm, ExtensionForm, SettingsForm)
from grader.staff.redirects import local_path
from grader.uploads import (MAX_ZIP_BYTES, UploadRejected, can_publish, read_assignment_zip, register_upload,
                            report_columns, request_validation, store_assignment_files)

MAX_PAGE = 100_000
"""Of the submissions list (50 a page); a larger page number overflows the database's OFFSET."""


def _utc(value):
    """A datetime-local field's value, read as UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None else None


@bp.route("/courses/<course_slug>/assignments/new", methods=["GET", "POST"])
@login_required
def new_assignment(course_slug):
    """Upload an assignment folder as a zip; it is stored, then validated in the worker."""
    course, role = instructor_course(course_slug)
    form, builtin = AssignmentUploadForm(), BuiltinForm()
    builtin.slug.choices = [SelectChoice(spec.slug, spec.title) for spec in available_builtins()]
    can_upload = may_upload_code(current_user)
    if request.method == "POST" and not can_upload:
        abort(403)
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if not upload or not upload.filename:
                raise UploadRejected("Choose a .zip file.")
            slug, files = read_assignment_zip(upload.read(MAX_ZIP_BYTES + 1), upload.filename)
            folder = store_assignment_files(current_app.config["GRADER"].data_dir, course, slug, files)
            assignment = register_upload(course, folder, files)
        except UploadRejected as error:
            flash(str(error), "error")
        else:
            request_validation(assignment, str(folder), "upload")
            flash("Uploaded; validation is running (the solution, the starter and each mutant are graded).",
                  "success")
            return redirect(url_for("staff.validation", course_slug=course.slug, slug=assignment.slug))
    return render_template("staff/new_assignment.html", course=course, role=role, form=form, builtin=builtin,
                           can_upload=can_upload, max_zip_mb=MAX_ZIP_BYTES // 1024 // 1024), \
        (400 if request.method == "POST" else 200)


@bp.route("/courses/<course_slug>/assignments/builtin", methods=["POST"])
@login_required
def add_builtin_assignment(course_slug):
    course, role = instructor_course(course_slug)
    form = BuiltinForm()
    form.slug.choices = [SelectChoice(spec.slug, spec.title) for spec in available_builtins()]
    if form.validate_on_submit():
        try:
            assignment = add_builtin(course, form.slug.data)
        except ValueError as error:
            flash(str(error), "error")
        else:
            flash(f"{assignment.title} added (unpublished until you publish it).", "success")
            return redirect(url_for("staff.settings", course_slug=course.slug, slug=assignment.slug))
    else:
        flash("Pick a built-in assignment.", "error")
    return redirect(url_for("staff.new_assignment", course_slug=course.slug))


@bp.route("/courses/<course_slug>/assignments/<slug>")
@login_required
def dashboard(course_slug, slug):
    course, role = staff_course(course_slug)
    assignment = course_assignment(course, slug)
    board = build_dashboard(assignment)
    return render_template("staff/dashboard.html", course=course, role=role, assignment=assignment, board=board,
                           histogram=score_histogram(board.scores, assignment.max_score),
                           timeline=timeline(board.per_day, assignment.due_at.date() if assignment.due_at else None),
                           action=ActionForm())


@bp.route("/courses/<course_slug>/assignments/<slug>/submissions")
@login_required
def submissions(course_slug, slug):
    course, role = staff_course(course_slug)
    assignment = course_assignment(course, slug)
    status = request.args.get("status", "")
    status = status if status in {s.value for s in Status} else ""
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    rows, total = find_submissions(assignment, query=request.args.get("q", ""), status=status, page=page)
    return render_template("staff/submissions.html", course=course, role=role, assignment=assignment, rows=rows,
                           total=total, page=page, per_page=50, q=request.args.get("q", ""), status=status)


@bp.route("/courses/<course_slug>/assignments/<slug>/queue.json")
@login_required
def queue(course_slug, slug):
    """Submissions by status: the dashboard polls this while a regrade runs."""
    course, role = staff_course(course_slug)
    return jsonify(queue_status(course_assignment(course, slug).id))


@bp.route("/courses/<course_slug>/assignments/<slug>/regrade", methods=["POST"])
@login_required
def regrade_all(course_slug, slug):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    if ActionForm().validate_on_submit():
        count = regrade_assignment(assignment)
        flash(f"{count} submission(s) queued for regrading; earlier results are kept in their history.", "success")
    return redirect(url_for("staff.dashboard", course_slug=course.slug, slug=assignment.slug))


@bp.route("/courses/<course_slug>/assignments/<slug>/export.zip")
@login_required
def export_zip(course_slug, slug):
    course, role = staff_course(course_slug)
    assignment = course_assignment(course, slug)
    every = request.args.get("which") == "all"
    return Response(assignment_results_zip(assignment, every_attempt=every), mimetype="application/zip",
                    headers={"Content-Disposition":
                             f'attachment; filename="{course.slug}-{assignment.slug}-results.zip"'})


@bp.route("/courses/<course_slug>/assignments/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(course_slug, slug):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    form = SettingsForm(obj=assignment)
    if request.method == "GET":
        form.late_penalty_percent.data = round(assignment.late_penalty_per_day * 100, 4)
        form.due_at.data = assignment.due_at.replace(tzinfo=None) if assignment.due_at else None
        form.hard_cutoff_at.data = assignment.hard_cutoff_at.replace(tzinfo=None) if assignment.hard_cutoff_at else None
    if form.validate_on_submit():
        try:
            update_settings(assignment, AssignmentSettings(
                title=form.title.data.strip(), statement_md=form.statement_md.data or "",
                max_score=float(form.max_score.data), due_at=_utc(form.due_at.data),
                late_penalty_per_day=float(form.late_penalty_percent.data) / 100,
                hard_cutoff_at=_utc(form.hard_cutoff_at.data), max_per_day=form.max_per_day.data,
                max_total=form.max_total.data, counting=form.counting.data, reveal_hidden=form.reveal_hidden.data))
        except ValueError as error:
            flash(str(error), "error")
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("staff.settings", course_slug=course.slug, slug=assignment.slug))
    publishable, reason = can_publish(assignment)
    return render_template("staff/settings.html", course=course, role=role, assignment=assignment, form=form,
                           action=ActionForm(), publishable=publishable, reason=reason,
                           extension_form=ExtensionForm(), extensions=extensions(assignment)), \
        (400 if form.errors else 200)


@bp.route("/courses/<course_slug>/assignments/<slug>/publish", methods=["POST"])
@login_required
def publish(course_slug, slug):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    if ActionForm().validate_on_submit():
        publishable, reason = can_publish(assignment)
        if publishable:
            set_published(assignment, True)
            flash(f"{assignment.title} is published: students can see it and submit.", "success")
        else:
            flash(reason, "error")
    return _back(course, slug)


@bp.route("/courses/<course_slug>/assignments/<slug>/unpublish", methods=["POST"])
@login_required
def unpublish(course_slug, slug):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    if ActionForm().validate_on_submit():
        set_published(assignment, False)
        flash(f"{assignment.title} is unpublished: students no longer see it.", "success")
    return _back(course, slug)


def _back(course, slug):
    """Back to the page the button was on (a local path only), else the settings page."""
    settings_page = url_for("staff.settings", course_slug=course.slug, slug=slug)
    return redirect(local_path(request.form.get("next")) or settings_page)


@bp.route("/courses/<course_slug>/assignments/<slug>/validation")
@login_required
def validation(course_slug, slug):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    publishable, reason = can_publish(assignment)
    return render_template("staff/validation.html", course=course, role=role, assignment=assignment,
                           record=assignment.validation or {}, action=ActionForm(), publishable=publishable,
                           report_columns=report_columns)


@bp.route("/courses/<course_slug>/assignments/<slug>/validation.json")
@login_required
def validation_status(course_slug, slug):
    course, role = instructor_course(course_slug)
    record = course_assignment(course, slug).validation or {}
    return jsonify(state=record.get("state", "none"), progress=record.get("progress"))


@bp.route("/courses/<course_slug>/assignments/<slug>/validate", methods=["POST"])
@login_required
def validate(course_slug, slug):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    if ActionForm().validate_on_submit():
        request_validation(assignment)
    return redirect(url_for("staff.validation", course_slug=course.slug, slug=slug))


@bp.route("/courses/<course_slug>/assignments/<slug>/extensions", methods=["POST"])
@login_required
def add_extension(course_slug, slug):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    form = ExtensionForm()
    if form.validate_on_submit():
        try:
            extension = grant_extension(assignment, form.username.data, _utc(form.due_at.data), current_user)
        except ValueError as error:
            flash(str(error), "error")
        else:
            flash(f"Extension granted: {form.username.data.strip()} is due {extension.due_at:%Y-%m-%d %H:%M} UTC.",
                  "success")
    else:
        flash("; ".join(f"{form[name].label.text}: {', '.join(errors)}" for name, errors in form.errors.items()),
              "error")
    return redirect(url_for("staff.settings", course_slug=course.slug, slug=slug) + "#extensions")


@bp.route("/courses/<course_slug>/assignments/<slug>/extensions/<int:user_id>/delete", methods=["POST"])
@login_required
def delete_extension(course_slug, slug, user_id):
    course, role = instructor_course(course_slug)
    assignment = course_assignment(course, slug)
    if ActionForm().validate_on_submit() and revoke_extension(assignment, user_id):
        flash("Extension removed.", "success")
    return redirect(url_for("staff.settings", course_slug=course.slug, slug=slug) + "#extensions")
