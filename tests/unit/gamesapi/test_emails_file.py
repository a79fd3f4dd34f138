"""The emails file: one email a line, LF, parent directory made; unwritable paths are reported."""
import pytest

from demo.seed import SeedError, read_emails_file, write_emails_file


def test_round_trip_one_email_a_line(tmp_path):
    path = write_emails_file(tmp_path / "sub" / "emails.txt", ["a1@calc.edu", "a2@calc.edu"])
    assert path.read_bytes() == b"a1@calc.edu\na2@calc.edu\n"
    assert read_emails_file(path) == ["a1@calc.edu", "a2@calc.edu"]


def test_blank_lines_are_skipped_on_read(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("a1@div.edu\n\n a2@div.edu \n\n\n")  # the reference files end in blank lines
    assert read_emails_file(path) == ["a1@div.edu", "a2@div.edu"]


def test_unwritable_path_is_one_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(SeedError, match="cannot write the emails file .*choose another --emails-file"):
        write_emails_file(blocker / "emails.txt", ["a1@calc.edu"])
