"""Course-level staff pages: the course home, creating a course, people and the roster, the audit log."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from grader.dashboard import course_overview
from grader.models import Role
from grader.overrides import course_overrides
from grader.roster import RosterError, add_staff, apply_roster, create_course, members, parse_roster, remove_member
from grader.staff import bp
from grader.staff.access import instructor_course, staff_course
from grader.staff.forms import ActionForm, CourseForm, RosterConfirmForm, RosterUploadForm, StaffForm

MAX_ROSTER_UPLOAD = 1024 * 1024


@bp.route("/courses/new", methods=["GET", "POST"])
@login_required
def new_course():
    if not current_user.can_create_courses:
        abort(403)
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = create_course(form.slug.data, form.title.data, current_user)
        except ValueError as error:
            flash(str(error), "error")
        else:
            flash(f"Course {course.slug} created; you are its instructor.", "success")
            return redirect(url_for("staff.course_home", course_slug=course.slug))
    return render_template("staff/new_course.html", form=form)


@bp.route("/courses/<course_slug>")
@login_required
def course_home(course_slug):
    course, role = staff_course(course_slug)
    students, summaries = course_overview(course)
    return render_template("staff/course_home.html", course=course, role=role, students=students,
                           summaries=summaries, action=ActionForm())


@bp.route("/courses/<course_slug>/people")
@login_required
def people(course_slug):
    course, role = staff_course(course_slug)
    return render_template("staff/people.html", course=course, role=role, members=members(course),
                           staff_form=StaffForm(), action=ActionForm())


@bp.route("/courses/<course_slug>/people/add", methods=["POST"])
@login_required
def add_person(course_slug):
    course, role = instructor_course(course_slug)
    form = StaffForm()
    if form.validate_on_submit():
        try:
            user, password = add_staff(course, form.username.data, Role(form.role.data))
        except ValueError as error:
            flash(str(error), "error")
        else:
            note = f" New account; initial password: {password}" if password else ""
            flash(f"{user.username} is now {form.role.data} in {course.slug}.{note}", "success")
    else:
        flash("Give a username.", "error")
    return redirect(url_for("staff.people", course_slug=course.slug))


@bp.route("/courses/<course_slug>/people/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_person(course_slug, user_id):
    course, role = instructor_course(course_slug)
    if ActionForm().validate_on_submit():
        try:
            username = remove_member(course, user_id, current_user)
        except LookupError:
            abort(404)
        except ValueError as error:
            flash(str(error), "error")
        else:
            flash(f"{username} was removed from the course (their submissions are kept).", "success")
    return redirect(url_for("staff.people", course_slug=course.slug))


@bp.route("/courses/<course_slug>/roster", methods=["GET", "POST"])
@login_required
def roster(course_slug):
    """Upload a roster CSV and preview it: every row, with a clear error for each bad one."""
    course, role = instructor_course(course_slug)
    form = RosterUploadForm()
    preview, text = None, ""
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_ROSTER_UPLOAD + 1) if upload and upload.filename else (form.text.data or "").encode()
        try:
            text = raw.decode("utf-8-sig")
            preview = parse_roster(text, course)
        except UnicodeDecodeError:
            flash("The roster is not UTF-8 text; export it from your spreadsheet as CSV UTF-8.", "error")
        except RosterError as error:
            flash(str(error), "error")
    return render_template("staff/roster.html", course=course, role=role, form=form, preview=preview,
                           confirm=RosterConfirmForm(roster=text)), (400 if form.errors else 200)


@bp.route("/courses/<course_slug>/roster/confirm", methods=["POST"])
@login_required
def roster_confirm(course_slug):
    course, role = instructor_course(course_slug)
    form = RosterConfirmForm()
    if not form.validate_on_submit():
        flash("Nothing to import; upload the roster again.", "error")
        return redirect(url_for("staff.roster", course_slug=course.slug))
    try:
        outcome = apply_roster(form.roster.data, course)
    except RosterError as error:
        flash(str(error), "error")
        return redirect(url_for("staff.roster", course_slug=course.slug))
    flash(f"Roster imported: {outcome.enrolled} enrolled, {outcome.updated} role(s) changed, "
          f"{len(outcome.created)} new account(s).", "success")
    return render_template("staff/roster_done.html", course=course, role=role, outcome=outcome)


@bp.route("/courses/<course_slug>/overrides")
@login_required
def audit_log(course_slug):
    course, role = staff_course(course_slug)
    return render_template("staff/audit_log.html", course=course, role=role, entries=course_overrides(course.id))

