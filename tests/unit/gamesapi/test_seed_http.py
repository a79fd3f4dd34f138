"""URL and Link-header parsing of the seeder's HTTP client, and its error when nothing listens."""
import socket

import pytest

from demo.seed import ApiUnreachable, GamesApiClient, SeedError
from demo.seed._http import next_link, parse_games_url


def test_base_urls_are_split_with_a_trailing_slash_on_the_prefix():
    assert parse_games_url("http://127.0.0.1:8100/apis") == ("http", "127.0.0.1", 8100, "/apis/")
    assert parse_games_url("http://localhost/apis/") == ("http", "localhost", 80, "/apis/")
    assert parse_games_url("https://games.example/x") == ("https", "games.example", 443, "/x/")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/apis", "127.0.0.1:8100/apis", "http:///apis",
                                 "http://127.0.0.1:99999/apis"])
def test_unusable_urls_are_refused(url):
    with pytest.raises(SeedError, match="games API URL"):
        parse_games_url(url)


def test_next_link_is_taken_from_either_position():
    nxt = '<http://h:1/apis/runs/?page=3&page_size=2>; rel="next"'
    prev = '<http://h:1/apis/runs/?page_size=2>; rel="prev"'
    assert next_link(nxt) == "/apis/runs/?page=3&page_size=2"
    assert next_link(f"{prev}, {nxt}") == "/apis/runs/?page=3&page_size=2"
    assert next_link(prev) is None
    assert next_link(None) is None


def test_a_closed_port_gives_one_clear_error():
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = GamesApiClient(f"http://127.0.0.1:{port}/apis", ("a@b.c", "x"), timeout=5)
    with pytest.raises(ApiUnreachable, match=rf"cannot reach the games API at http://127.0.0.1:{port}/apis: .*SIMPL_GAMES_URL"):
        client.request("GET", "games/")
    client.close()
