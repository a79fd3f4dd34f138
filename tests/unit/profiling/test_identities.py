"""Users files: one player per line, `email` or `email,password`; bad input is named by line."""
import pytest

from modelservice.profiling.errors import UsersFileError
from modelservice.profiling.identities import (PlayerIdentity, identity_for_email, parse_users_lines,
                                               read_users_file)


def write(tmp_path, text, *, newline="\n"):
    path = tmp_path / "users.txt"
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def test_plain_emails_get_their_local_part_as_password(tmp_path):
    players = read_users_file(write(tmp_path, "a1@calc.edu\na2@calc.edu\n"))
    assert players == [PlayerIdentity("a1@calc.edu", "a1@calc.edu", "a1"),
                       PlayerIdentity("a2@calc.edu", "a2@calc.edu", "a2")]


def test_blank_lines_comments_crlf_and_trailing_spaces_are_tolerated(tmp_path):
    text = "# players of run a\n\na1@calc.edu   \n\t a2@calc.edu\n\n\n"
    players = read_users_file(write(tmp_path, text, newline="\r\n"))
    assert [p.email for p in players] == ["a1@calc.edu", "a2@calc.edu"]


def test_email_comma_password_lines(tmp_path):
    players = read_users_file(write(tmp_path, "a1@calc.edu, s3cret,x \nb2@div.edu,pw\n"))
    assert [(p.email, p.password) for p in players] == [("a1@calc.edu", "s3cret,x"), ("b2@div.edu", "pw")]


@pytest.mark.parametrize("line", ["not-an-email", "a1@calc.edu a2@calc.edu", "a1@calc.edu,", "@calc.edu",
                                  "a1@", "a1@@calc.edu"])
def test_a_bad_line_is_an_error_naming_file_and_line(tmp_path, line):
    path = write(tmp_path, f"a1@calc.edu\n\n{line}\n")
    with pytest.raises(UsersFileError) as caught:
        read_users_file(path)
    message = str(caught.value)
    assert f"{path}:3:" in message and repr(line.strip()) in message
    assert "\n" not in message


def test_a_player_listed_twice_is_an_error(tmp_path):
    with pytest.raises(UsersFileError, match=r":3: a1@calc.edu is already on line 1"):
        read_users_file(write(tmp_path, "a1@calc.edu\na2@calc.edu\na1@calc.edu,other\n"))


def test_empty_file_is_an_error(tmp_path):
    with pytest.raises(UsersFileError, match="has no email lines"):
        read_users_file(write(tmp_path, "\n  \n# only a comment\n"))


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(UsersFileError, match="does not exist"):
        read_users_file(tmp_path / "nope.txt")


def test_a_directory_is_an_error(tmp_path):
    with pytest.raises(UsersFileError, match="is a directory"):
        read_users_file(tmp_path)


def test_parse_lines_names_its_source():
    with pytest.raises(UsersFileError, match=r"^stdin:1: "):
        parse_users_lines(["oops"], source="stdin")


def test_identity_for_a_single_email_uses_the_given_name():
    identity = identity_for_email(" a7@calc.edu ", name="worker-7")
    assert identity == PlayerIdentity("worker-7", "a7@calc.edu", "a7")
    with pytest.raises(UsersFileError, match="is not an email"):
        identity_for_email("a7")
