"""Loading assignment folders: the built-ins, and clear errors for broken folders."""

import pytest

from assignments.loader import BUILTIN_SLUGS, AssignmentError, Policy, builtin_assignments, load_assignment


def test_builtin_assignments_load_with_typed_fields():
    specs = builtin_assignments()
    assert [s.slug for s in specs] == list(BUILTIN_SLUGS)
    for spec in specs:
        assert spec.max_score == spec.points == sum(c.points for c in spec.checks)
        assert spec.title and spec.statement_md.startswith("# ")
        assert "raise NotImplementedError" in spec.starter_code and spec.solution_code
        assert spec.limits.cpu_s > 0 and spec.limits.memory_mb >= 256
        assert isinstance(spec.policy, Policy) and spec.policy.counting in ("best", "last")
        assert spec.allowed_imports == ("numpy", "math")
        assert len(spec.mutants) >= 5, spec.slug
        assert spec.hidden_checks, f"{spec.slug} has no hidden test"
        assert all(c.visibility in ("visible", "hidden", "after_due_date") for c in spec.checks)


def test_statements_list_every_check_with_its_points():
    for spec in builtin_assignments():
        assert f"({spec.max_score:g} points)" in spec.statement_md, spec.slug


def test_slug_or_folder(tmp_path, make_assignment):
    assert load_assignment("xor").slug == "xor"
    folder = make_assignment("from assignments.api import check\n\n@check('one', 2)\ndef one(ctx):\n    pass\n")
    assert load_assignment(folder).path == folder
    assert load_assignment(str(folder)).checks[0].name == "one"
    with pytest.raises(AssignmentError, match="built-in assignments are relu-basics"):
        load_assignment("no-such-assignment")


ONE_CHECK = "from assignments.api import check\n\n@check('one', 2)\ndef one(ctx):\n    pass\n"


@pytest.mark.parametrize("change, message", [
    (dict(points=3), "points = 3, but the checks add up to 2"),
    (dict(toml_extra="[policy]\ncounting = 'worst'"), "counting must be one of best, last"),
    (dict(toml_extra="[policy]\nlate_penalty_per_day = 2"), "late_penalty_per_day is a fraction"),
    (dict(toml_extra="[policy]\ndeadline = 3"), "unknown key(s) deadline"),
    (dict(toml_extra="allowed_imports = 'numpy'"), "allowed_imports must be a list"),
    (dict(checks="this is not python"), "importing it failed"),
    (dict(checks="x = 1\n"), "defines no checks"),
])
def test_broken_folders_are_explained(make_assignment, change, message):
    options = {"checks": ONE_CHECK, **change}
    with pytest.raises(AssignmentError, match=__import__("re").escape(message)):
        load_assignment(make_assignment(options.pop("checks"), **options))


def test_limits_and_files_are_checked(make_assignment):
    folder = make_assignment(ONE_CHECK)
    (folder / "assignment.toml").write_text('title = "T"\npoints = 2\n[limits]\ncpu = 5\n')
    with pytest.raises(AssignmentError, match="unknown limit"):
        load_assignment(folder)
    (folder / "assignment.toml").write_text('title = "T"\npoints = 2\n[limits\n')
    with pytest.raises(AssignmentError, match="not valid TOML"):
        load_assignment(folder)
    (folder / "starter.py").unlink()
    with pytest.raises(AssignmentError, match="missing starter.py"):
        load_assignment(folder)


def test_policy_defaults_and_a_fixed_due_date(make_assignment):
    folder = make_assignment(ONE_CHECK, toml_extra="[policy]\ndue_at = 2030-01-31T23:59:00Z\nmax_total = 5\n"
                                                   "reveal_hidden = 'never'\nhard_cutoff_days = 2")
    policy = load_assignment(folder).policy
    assert policy.due_at.year == 2030 and policy.due_at.tzinfo is not None
    assert (policy.max_total, policy.reveal_hidden, policy.hard_cutoff_days) == (5, "never", 2)
