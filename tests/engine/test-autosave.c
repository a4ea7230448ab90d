/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqAutosave: writes within its period only when the project has unsaved edits, removes the
 * autosave when the project is clean again or closed cleanly, and a leftover (an unclean close,
 * or a real crash of a child process) is found and recovered with the same content, its track
 * sources resolved against the original project folder. */
#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-autosave.h"
#include "lq-history.h"
#include "lq-project.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100
#define INTERVAL 100 /* ms */

static const guint64 track_frames[] = { RATE / 2, RATE * 3 / 4 };

typedef struct
{
  char *root;         /* scratch folder */
  GFile *autosaves;   /* root/data/lacquer/autosave: far from the project */
  GFile *project_file;/* root/sessions/album/album.lacquer, sources in root/music */
  LqProject *project;
  LqHistory *history;
} Fixture;

static void
write_sine (const char *path, guint64 frames, double freq)
{
  g_autofree float *pcm = g_new (float, frames * 2);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  lq_synth_sine (pcm, frames, 2, RATE, freq, 0.25, 0.0);
  g_assert_true (lq_wav_write_file (file, pcm, frames, 2, RATE, LQ_WAV_PCM16, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_init (Fixture *f)
{
  g_autofree char *music = NULL;
  g_autofree char *sessions = NULL;
  g_autoptr(LqProject) draft = lq_project_new ();
  g_autoptr(GError) error = NULL;

  f->root = g_dir_make_tmp ("lq-autosave-XXXXXX", NULL);
  music = g_build_filename (f->root, "music", NULL);
  sessions = g_build_filename (f->root, "sessions", "album", NULL);
  g_assert_cmpint (g_mkdir_with_parents (music, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (sessions, 0700), ==, 0);
  f->autosaves = g_file_new_build_filename (f->root, "data", "lacquer", "autosave", NULL);
  f->project_file = g_file_new_build_filename (sessions, "album.lacquer", NULL);

  lq_project_set_title (draft, "Night Drive");
  for (guint i = 0; i < G_N_ELEMENTS (track_frames); i++)
    {
      g_autofree char *name = g_strdup_printf ("%02u Song.wav", i + 1);
      g_autofree char *path = g_build_filename (music, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(LqTrack) track = lq_track_new (file);

      write_sine (path, track_frames[i], 440.0 * (i + 1));
      lq_project_append_track (draft, track);
    }
  g_assert_true (lq_project_save (draft, f->project_file, NULL, &error));
  g_assert_no_error (error);

  /* Open it as the application would: relative sources, probed tracks. */
  f->project = lq_project_load (f->project_file, NULL, &error);
  g_assert_no_error (error);
  f->history = lq_history_new ();
}

static void
fixture_fini (Fixture *f)
{
  g_clear_object (&f->history);
  g_clear_object (&f->project);
  g_clear_object (&f->autosaves);
  g_clear_object (&f->project_file);
  lq_test_remove_tree (f->root);
  g_clear_pointer (&f->root, g_free);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  fixture_init (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fixture_fini (f);
}

/* Files in the autosave folder whose name ends with @suffix (all files for ""). */
static guint
count_files (Fixture *f, const char *suffix)
{
  GDir *d = g_dir_open (g_file_peek_path (f->autosaves), 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, suffix))
      n++;
  g_dir_close (d);
  return n;
}

typedef struct
{
  guint n;          /* "saved" emissions */
  gboolean failed;  /* one carried an error */
} Saves;

static void
on_saved (LqAutosave *autosave, const GError *error, Saves *s)
{
  s->n++;
  s->failed |= error != NULL;
}

/* Runs the main loop until @s->n reaches @n; returns the milliseconds it took, or -1. */
static gint64
wait_for_saves (Saves *s, guint n, guint timeout_ms)
{
  gint64 start = g_get_monotonic_time ();

  while (s->n < n)
    {
      if (g_get_monotonic_time () - start > (gint64) timeout_ms * 1000)
        return -1;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return (g_get_monotonic_time () - start) / 1000;
}

static gboolean
wait_until_no_files (Fixture *f, const char *suffix, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (count_files (f, suffix) > 0)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static LqAutosave *
new_autosave (Fixture *f, Saves *s)
{
  LqAutosave *autosave = lq_autosave_new (f->project, f->history, f->autosaves);

  lq_autosave_set_interval (autosave, INTERVAL);
  g_signal_connect (autosave, "saved", G_CALLBACK (on_saved), s);
  return autosave;
}

static void
test_writes_when_modified (Fixture *f, gconstpointer data)
{
  Saves s = { 0 };
  g_autoptr(LqAutosave) autosave = new_autosave (f, &s);
  gint64 took;

  g_assert_cmpuint (lq_autosave_get_interval (autosave), ==, INTERVAL);
  {
    g_autoptr(LqAutosave) by_default = lq_autosave_new (f->project, f->history, f->autosaves);
    g_assert_cmpuint (lq_autosave_get_interval (by_default), ==, 60000);
  }

  /* Clean: several periods pass, nothing is written. */
  lq_test_iterate (4 * INTERVAL);
  g_assert_cmpuint (s.n, ==, 0);
  g_assert_cmpuint (count_files (f, ".lacquer"), ==, 0);

  /* An edit: not written at once, but within the period. */
  lq_history_set (f->history, f->project, "Rename", "title", "Night Drive (autosaved)", NULL);
  g_assert_cmpuint (count_files (f, ".lacquer"), ==, 0);
  took = wait_for_saves (&s, 1, 10 * INTERVAL);
  g_assert_cmpint (took, >=, 0);
  g_test_message ("written %" G_GINT64_FORMAT " ms after the edit (interval %d ms)", took, INTERVAL);
  g_assert_false (s.failed);
  g_assert_cmpuint (count_files (f, ".lacquer"), ==, 1);
  g_assert_cmpuint (count_files (f, ".json"), ==, 1);
  g_assert_true (g_file_query_exists (lq_autosave_get_file (autosave), NULL));

  /* No edit since: no more writes. */
  lq_test_iterate (4 * INTERVAL);
  g_assert_cmpuint (s.n, ==, 1);

  /* Undo back to the saved state: the autosave is removed at the next tick. */
  lq_history_undo (f->history);
  g_assert_true (wait_until_no_files (f, ".lacquer", 10 * INTERVAL));
  g_assert_true (wait_until_no_files (f, ".json", 10 * INTERVAL));

  /* Edit, autosaved; then saved by the user: removed again. */
  lq_history_redo (f->history);
  g_assert_cmpint (wait_for_saves (&s, 2, 10 * INTERVAL), >=, 0);
  g_assert_cmpuint (count_files (f, ".lacquer"), ==, 1);
  lq_history_mark_saved (f->history);
  g_assert_true (wait_until_no_files (f, ".lacquer", 10 * INTERVAL));
  g_assert_true (wait_until_no_files (f, ".json", 10 * INTERVAL));
}

static void
test_discard (Fixture *f, gconstpointer data)
{
  Saves s = { 0 };
  g_autoptr(LqAutosave) autosave = new_autosave (f, &s);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  lq_history_set (f->history, f->project, NULL, "artist", "The Lacquers", NULL);
  g_assert_cmpint (wait_for_saves (&s, 1, 10 * INTERVAL), >=, 0);
  g_assert_cmpuint (count_files (f, ""), ==, 3); /* .lacquer, .json, .lock */

  /* The clean close removes everything, and nothing is written afterwards. */
  lq_autosave_discard (autosave);
  g_assert_cmpuint (count_files (f, ""), ==, 0);
  lq_history_set (f->history, f->project, NULL, "artist", "Someone Else", NULL);
  lq_test_iterate (3 * INTERVAL);
  g_assert_cmpuint (count_files (f, ""), ==, 0);
  g_assert_false (lq_autosave_save_now (autosave, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  g_clear_object (&autosave);
  found = lq_autosave_find_recoverable (f->autosaves);
  g_assert_cmpuint (found->len, ==, 0);
}

static char *
to_json (LqProject *project, GFile *file)
{
  return lq_project_to_json (project, file);
}

static void
test_recover (Fixture *f, gconstpointer data)
{
  Saves s = { 0 };
  LqAutosave *autosave = new_autosave (f, &s);
  g_autoptr(LqAutosave) other = lq_autosave_new (f->project, f->history, f->autosaves);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(LqProject) recovered = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  LqAutosaveEntry *entry;

  /* Edits of several kinds, autosaved. */
  lq_history_begin_group (f->history, "Session");
  lq_history_set (f->history, f->project, NULL, "title", "Night Drive (take 2)", NULL);
  lq_history_set (f->history, lq_project_get_track (f->project, 1), NULL, "title", "Closer", "performer", "Ada", NULL);
  lq_history_list_move (f->history, G_LIST_STORE (lq_project_get_tracks (f->project)), 1, 0, NULL);
  lq_history_end_group (f->history);
  g_assert_cmpint (wait_for_saves (&s, 1, 10 * INTERVAL), >=, 0);
  g_assert_true (lq_autosave_save_now (other, NULL, &error));
  g_assert_no_error (error);

  /* Both autosaves are alive: neither is offered for recovery. */
  found = lq_autosave_find_recoverable (f->autosaves);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* An unclean close (the object goes away without lq_autosave_discard): a leftover. */
  g_object_unref (autosave);
  lq_autosave_discard (other);
  found = lq_autosave_find_recoverable (f->autosaves);
  g_assert_cmpuint (found->len, ==, 1);
  entry = g_ptr_array_index (found, 0);
  g_assert_true (g_file_equal (lq_autosave_entry_get_original (entry), f->project_file));
  g_assert_cmpstr (lq_autosave_entry_get_title (entry), ==, "Night Drive (take 2)");
  g_assert_cmpint (ABS (g_date_time_difference (lq_autosave_entry_get_time (entry), now)), <, 120 * G_TIME_SPAN_SECOND);

  /* Recovered: the same project, saved where it belongs, sources found from there. */
  recovered = lq_autosave_recover (entry, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (lq_project_get_file (recovered), f->project_file));
  expected = to_json (f->project, f->project_file);
  got = to_json (recovered, f->project_file);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpstr (lq_track_get_title (lq_project_get_track (recovered, 0)), ==, "Closer");
  g_assert_cmpstr (lq_track_get_performer (lq_project_get_track (recovered, 0)), ==, "Ada");
  for (guint i = 0; i < 2; i++)
    {
      LqTrack *track = lq_project_get_track (recovered, i);

      g_assert_false (lq_track_get_missing (track));
      g_assert_cmpuint (lq_track_get_n_frames (track), ==, track_frames[1 - i]);
    }

  /* Declined: deleted for good. */
  g_assert_true (lq_autosave_entry_discard (entry, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (f, ""), ==, 0);
}

static void
test_never_saved_project (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) fresh = lq_project_new ();
  g_autoptr(LqHistory) history = lq_history_new ();
  g_autoptr(LqAutosave) autosave = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(LqProject) recovered = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) anywhere = g_file_new_build_filename (f->root, "x.lacquer", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  LqAutosaveEntry *entry;

  lq_history_list_insert (history, G_LIST_STORE (lq_project_get_tracks (fresh)), 0,
                          lq_project_get_track (f->project, 1), NULL);
  autosave = lq_autosave_new (fresh, history, f->autosaves);
  g_assert_true (lq_autosave_save_now (autosave, NULL, &error));
  g_clear_object (&autosave);

  found = lq_autosave_find_recoverable (f->autosaves);
  g_assert_cmpuint (found->len, ==, 1);
  entry = g_ptr_array_index (found, 0);
  g_assert_null (lq_autosave_entry_get_original (entry));
  g_assert_cmpstr (lq_autosave_entry_get_title (entry), ==, "");
  recovered = lq_autosave_recover (entry, &error);
  g_assert_no_error (error);
  g_assert_null (lq_project_get_file (recovered));
  expected = to_json (fresh, anywhere);
  got = to_json (recovered, anywhere);
  g_assert_cmpstr (got, ==, expected);
  g_assert_false (lq_track_get_missing (lq_project_get_track (recovered, 0)));
  g_assert_cmpuint (lq_track_get_n_frames (lq_project_get_track (recovered, 0)), ==, track_frames[1]);
}

/* A real crash: a child process autosaves and aborts, the parent finds the leftover. */
static void
test_crash (void)
{
  const char *dir = g_getenv ("LQ_TEST_CRASH_ROOT");

  if (g_test_subprocess ())
    {
      g_autoptr(GFile) project_file = g_file_new_build_filename (dir, "sessions", "album", "album.lacquer", NULL);
      g_autoptr(GFile) autosaves = g_file_new_build_filename (dir, "data", "lacquer", "autosave", NULL);
      g_autoptr(GError) error = NULL;
      LqProject *project = lq_project_load (project_file, NULL, &error);
      LqHistory *history = lq_history_new ();
      LqAutosave *autosave;

      g_assert_no_error (error);
      lq_history_set (history, project, NULL, "title", "Crashed Session", NULL);
      autosave = lq_autosave_new (project, history, autosaves);
      g_assert_true (lq_autosave_save_now (autosave, NULL, &error));
      abort ();
    }
  else
    {
      Fixture fixture = { 0 };
      Fixture *f = &fixture;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(LqProject) recovered = NULL;
      g_autoptr(GError) error = NULL;

      fixture_init (f);
      g_setenv ("LQ_TEST_CRASH_ROOT", f->root, TRUE);
      g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_failed ();
      g_unsetenv ("LQ_TEST_CRASH_ROOT");

      found = lq_autosave_find_recoverable (f->autosaves);
      g_assert_cmpuint (found->len, ==, 1);
      g_assert_cmpstr (lq_autosave_entry_get_title (g_ptr_array_index (found, 0)), ==, "Crashed Session");
      recovered = lq_autosave_recover (g_ptr_array_index (found, 0), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (lq_project_get_title (recovered), ==, "Crashed Session");
      g_assert_true (g_file_equal (lq_project_get_file (recovered), f->project_file));
      g_assert_cmpuint (lq_project_get_n_tracks (recovered), ==, 2);
      g_assert_false (lq_track_get_missing (lq_project_get_track (recovered, 0)));
      fixture_fini (f);
    }
}

static void
test_adopt (Fixture *f, gconstpointer data)
{
  Saves s = { 0 };
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(LqProject) recovered = NULL;
  g_autoptr(LqHistory) history = lq_history_new ();
  g_autoptr(LqAutosave) second = NULL;
  g_autoptr(GError) error = NULL;
  LqAutosaveEntry *entry;

  {
    g_autoptr(LqAutosave) first = lq_autosave_new (f->project, f->history, f->autosaves);

    lq_history_set (f->history, f->project, NULL, "title", "Lost Work", NULL);
    g_assert_true (lq_autosave_save_now (first, NULL, &error));
  }
  found = lq_autosave_find_recoverable (f->autosaves);
  g_assert_cmpuint (found->len, ==, 1);
  entry = g_ptr_array_index (found, 0);
  recovered = lq_autosave_recover (entry, &error);
  g_assert_no_error (error);

  /* The recovered project is unsaved work: its new autosave takes the leftover's place. */
  lq_history_mark_unsaved (history);
  second = lq_autosave_new (recovered, history, f->autosaves);
  lq_autosave_set_interval (second, INTERVAL);
  g_signal_connect (second, "saved", G_CALLBACK (on_saved), &s);
  lq_autosave_adopt (second, entry);
  g_assert_true (g_file_query_exists (lq_autosave_entry_get_file (entry), NULL));
  g_assert_cmpint (wait_for_saves (&s, 1, 10 * INTERVAL), >=, 0);
  g_assert_false (s.failed);
  g_assert_false (g_file_query_exists (lq_autosave_entry_get_file (entry), NULL));
  g_assert_true (g_file_query_exists (lq_autosave_get_file (second), NULL));
  g_assert_cmpuint (count_files (f, ".lacquer"), ==, 1);

  /* Crash again: the recovered work is what is found, once. */
  g_clear_object (&second);
  again = lq_autosave_find_recoverable (f->autosaves);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpstr (lq_autosave_entry_get_title (g_ptr_array_index (again, 0)), ==, "Lost Work");
  g_assert_false (g_file_equal (lq_autosave_entry_get_file (g_ptr_array_index (again, 0)),
                                lq_autosave_entry_get_file (entry)));
}

static void
test_part_files (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_file_get_path (f->autosaves);
  g_autofree char *part = g_build_filename (dir, ".1700000000-1-0badcafe.lacquer.12345678.part", NULL);
  /* A sidecar whose project was removed just before a crash. */
  g_autofree char *orphan = g_build_filename (dir, "1700000000-1-0badcafe.json", NULL);
  g_autoptr(GPtrArray) found = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (part, "{\"format", -1, NULL));
  g_assert_true (g_file_set_contents (orphan, "{\"format\": 1}", -1, NULL));
  found = lq_autosave_find_recoverable (f->autosaves);
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/lq/autosave/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("writes-when-modified", test_writes_when_modified);
  ADD ("discard", test_discard);
  ADD ("recover", test_recover);
  ADD ("never-saved-project", test_never_saved_project);
  ADD ("adopt", test_adopt);
  ADD ("part-files", test_part_files);
#undef ADD
  g_test_add_func ("/lq/autosave/crash", test_crash);

  return g_test_run ();
}
