from flask import render_template
from flask_login import login_required

from grader.auth.roles import course_or_404, require_staff
from grader.staff import bp


@bp.route("/courses/<course_slug>")
@login_required
def course_home(course_slug):
    course = course_or_404(course_slug)
    role = require_staff(course)
    return render_template("staff/course_home.html", course=course, role=role)
