"""Task discovery: profile_* methods of ProfileCase classes in profile*.py files, loud on errors."""
import sys
import textwrap

import pytest

from modelservice.profiling.discovery import discover_tasks
from modelservice.profiling.errors import TaskDiscoveryError


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throwaway package `pkg_<n>` on sys.path; returns (name, directory, write(file, source))."""
    name = f"h5pkg_{len(sys.modules)}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(filename, source):
        (root / filename).write_text(textwrap.dedent(source))

    yield name, root, write
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


TASKS = """
    import unittest
    from modelservice.profiler import ProfileCase

    class ProfileB(ProfileCase):
        async def profile_second(self): pass
        async def profile_first(self): pass
        def helper(self): pass

    class NotATask(unittest.TestCase):
        def profile_ignored(self): pass
"""


def test_finds_profile_methods_in_unittest_order(package):
    name, _, write = package
    write("profile_b.py", TASKS)
    write("profile_a.py", """
        from modelservice.profiler import ProfileCase
        class ProfileA(ProfileCase):
            def profile_sync(self): pass
    """)
    write("helpers.py", "raise RuntimeError('not a task file: never imported')")
    tasks = discover_tasks(name)
    assert [t.id for t in tasks] == [f"{name}.profile_a.ProfileA.profile_sync",
                                     f"{name}.profile_b.ProfileB.profile_first",
                                     f"{name}.profile_b.ProfileB.profile_second"]
    assert [t.is_async for t in tasks] == [False, True, True]


def test_a_single_task_module_can_be_given(package):
    name, _, write = package
    write("profile_b.py", TASKS)
    assert len(discover_tasks(f"{name}.profile_b")) == 2


def test_an_import_error_in_a_task_file_stops_with_its_traceback(package):
    name, _, write = package
    write("profile_ok.py", TASKS)
    write("profile_broken.py", "import no_such_dependency_xyz\n")
    with pytest.raises(TaskDiscoveryError) as caught:
        discover_tasks(name)
    message = str(caught.value)
    assert f"a task file in {name} failed to import" in message
    assert "Traceback" in message and "no_such_dependency_xyz" in message


def test_unittest_skip_decorators_mark_tasks_with_their_reason(package):
    name, _, write = package
    write("profile_skips.py", """
        import unittest
        from modelservice.profiler import ProfileCase

        @unittest.skipUnless(False, "another game's task")
        class ProfileOther(ProfileCase):
            async def profile_a(self): pass

        class ProfileMine(ProfileCase):
            async def profile_b(self): pass

            @unittest.skip("not today")
            async def profile_c(self): pass
    """)
    reasons = {task.id.rsplit(".", 1)[1]: task.skip_reason for task in discover_tasks(name)}
    assert reasons == {"profile_a": "another game's task", "profile_b": None, "profile_c": "not today"}


def test_no_task_is_an_error(package):
    name, _, write = package
    write("profile_empty.py", "X = 1\n")
    with pytest.raises(TaskDiscoveryError, match=f"no profile tasks found in {name}"):
        discover_tasks(name)


def test_unknown_module_is_a_one_line_error():
    with pytest.raises(TaskDiscoveryError) as caught:
        discover_tasks("no_such_package_h5.profilers")
    assert "not found" in str(caught.value) and "\n" not in str(caught.value)


def test_a_package_failing_on_import_shows_the_traceback(package):
    name, root, _ = package
    (root / "__init__.py").write_text("import missing_inner_dependency_h5\n")
    with pytest.raises(TaskDiscoveryError, match="(?s)failed to import.*missing_inner_dependency_h5"):
        discover_tasks(name)
