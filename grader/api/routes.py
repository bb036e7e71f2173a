from functools import wraps

from flask import current_app, g, jsonify, request, url_for

from grader.accounts import user_for_token
from grader.auth.roles import role_in
from grader.api import bp
from grader.db import db
from grader.models import Assignment, Course, Status, Submission
from grader.student.views import visible_result
from grader.submissions import SubmissionRejected, create_submission, decode_upload


def api_error(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message}), status


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return api_error(401, "unauthorized", "Send 'Authorization: Bearer <token>' (get one with `grader tokens issue NAME`).")
        user = user_for_token(token.strip())
        if user is None:
            return api_error(401, "unauthorized", "That API token is not valid.")
        db.session.commit()  # last_used_at
        g.api_user = user
        return view(*args, **kwargs)
    return wrapped


@bp.post("/courses/<course_slug>/assignments/<slug>/submissions")
@token_required
def submit(course_slug, slug):
    course = db.session.query(Course).filter_by(slug=course_slug).one_or_none()
    if course is None:
        return api_error(404, "not_found", f"No course {course_slug!r}.")
    role = role_in(course, g.api_user)
    if role is None:
        return api_error(403, "forbidden", "You are not enrolled in this course.")
    assignment = db.session.query(Assignment).filter_by(course_id=course.id, slug=slug).one_or_none()
    if assignment is None or (not assignment.published and not role.is_staff):
        return api_error(404, "not_found", f"No assignment {slug!r} in {course_slug!r}.")
    upload = request.files.get("file")
    if upload is None:
        return api_error(400, "no_file", "Send the .py file as the multipart field 'file'.")
    limit = current_app.config["GRADER"].max_upload_bytes
    try:
        code = decode_upload(upload.filename, upload.read(limit + 1), limit)
        submission = create_submission(assignment, g.api_user, upload.filename, code)
    except SubmissionRejected as rejected:
        return api_error(rejected.status, rejected.code, rejected.message)
    url = url_for("api.get_submission", submission_id=submission.id)
    # Accepted means queued; a fast worker may already be running it (GET tells).
    return jsonify(id=submission.id, status=Status.QUEUED.value, url=url), 202, {"Location": url}


@bp.get("/submissions/<int:submission_id>")
@token_required
def get_submission(submission_id):
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        return api_error(404, "not_found", "No such submission.")
    role = role_in(submission.assignment.course, g.api_user)
    staff = role is not None and role.is_staff
    if submission.user_id != g.api_user.id and not staff:
        return api_error(403, "forbidden", "This is not your submission.")
    return jsonify(id=submission.id, assignment=submission.assignment.slug, status=submission.status,
                   attempt=submission.attempt, score=submission.effective_score,
                   max_score=submission.max_score if submission.max_score is not None else submission.assignment.max_score,
                   result=visible_result(submission, staff=staff))
