/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Relinking: moved sources are found by name (a file of the right length wins among several),
 * non-audio namesakes are ignored, the search depth is bounded, and relinking keeps every
 * setting of the track, probes fine, is one undoable step and is saved with the new path. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "../lq-test-util.h"
#include "lq-engine-error.h"
#include "lq-history.h"
#include "lq-project.h"
#include "lq-relink.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100

typedef struct
{
  char *root;   /* scratch folder */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->root = g_dir_make_tmp ("lq-relink-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lq_test_remove_tree (f->root);
  g_free (f->root);
}

/* root/<relative>, with its folders created. */
static char *
path_in (Fixture *f, const char *relative)
{
  char *path = g_build_filename (f->root, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return path;
}

static GFile *
write_sine (Fixture *f, const char *relative, guint64 frames)
{
  g_autofree char *path = path_in (f, relative);
  g_autofree float *pcm = g_new (float, frames * 2);
  GFile *file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  lq_synth_sine (pcm, frames, 2, RATE, 440.0, 0.25, 0.0);
  g_assert_true (lq_wav_write_file (file, pcm, frames, 2, RATE, LQ_WAV_PCM16, NULL, &error));
  g_assert_no_error (error);
  return file;
}

static GFile *
file_in (Fixture *f, const char *relative)
{
  return g_file_new_build_filename (f->root, relative, NULL);
}

static LqRelinkProposal *
proposal_for (GPtrArray *proposals, LqTrack *track)
{
  for (guint i = 0; i < proposals->len; i++)
    if (lq_relink_proposal_get_track (g_ptr_array_index (proposals, i)) == track)
      return g_ptr_array_index (proposals, i);
  return NULL;
}

static void
test_finds_moved (Fixture *f, gconstpointer data)
{
  static const guint64 frames[] = { RATE / 2, RATE * 3 / 4 };
  static const guint64 marks[] = { 588, 4410 };
  g_autofree char *project_path = path_in (f, "project/album.lacquer");
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(LqProject) draft = lq_project_new ();
  g_autoptr(LqProject) project = NULL;
  g_autoptr(LqHistory) history = lq_history_new ();
  g_autoptr(GPtrArray) proposals = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_dir = g_build_filename (f->root, "old", "album", NULL);
  g_autofree char *new_dir = path_in (f, "moved/deep/album");
  g_autofree char *decoy = path_in (f, "moved/notaudio/01 Intro.wav");
  g_autoptr(GFile) folder = file_in (f, "moved");
  LqTrack *missing[2];

  /* A project whose sources then move to another folder. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *relative = g_strdup_printf ("old/album/%s", i == 0 ? "01 Intro.wav" : "02 Song.wav");
      g_autoptr(GFile) wav = write_sine (f, relative, frames[i]);
      g_autoptr(LqTrack) track = lq_track_new (wav);

      lq_project_append_track (draft, track);
    }
  g_object_set (lq_project_get_track (draft, 0), "title", "Intro (edit)", "performer", "Ada", "gain", -3.0, NULL);
  lq_track_set_indexes (lq_project_get_track (draft, 0), marks, G_N_ELEMENTS (marks));
  {
    g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");

    lq_chain_element_set (limiter, "ceiling", "-1");
    lq_chain_element_set_bypass (limiter, TRUE);
    lq_chain_append (lq_track_get_chain (lq_project_get_track (draft, 1)), limiter);
  }
  lq_project_save (draft, project_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (old_dir, new_dir), ==, 0);
  g_assert_true (g_file_set_contents (decoy, "not a wave file\n", -1, NULL));

  project = lq_project_load (project_file, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      missing[i] = lq_project_get_track (project, i);
      g_assert_true (lq_track_get_missing (missing[i]));
    }

  /* Found where they went; the namesake that is not audio is not offered. */
  proposals = lq_relink_find (project, folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (proposals->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      LqRelinkProposal *p = proposal_for (proposals, missing[i]);
      g_autofree char *expected = g_build_filename (new_dir, i == 0 ? "01 Intro.wav" : "02 Song.wav", NULL);

      g_assert_nonnull (p);
      g_assert_cmpstr (g_file_peek_path (lq_relink_proposal_get_file (p)), ==, expected);
      g_assert_false (lq_relink_proposal_get_ambiguous (p));
      g_assert_cmpuint (lq_relink_proposal_get_n_candidates (p), ==, 1);
      g_assert_cmpuint (lq_track_get_n_frames (lq_relink_proposal_get_replacement (p)), ==, frames[i]);
    }

  /* Applied as one step: the tracks probe fine and keep their settings. */
  g_assert_cmpuint (lq_relink_apply (project, history, proposals), ==, 2);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (lq_history_get_undo_label (history), ==, "Relink 2 Tracks");
  for (guint i = 0; i < 2; i++)
    {
      LqTrack *track = lq_project_get_track (project, i);

      g_assert_true (track != missing[i]);
      g_assert_false (lq_track_get_missing (track));
      g_assert_cmpuint (lq_track_get_n_frames (track), ==, frames[i]);
      g_assert_cmpuint (lq_track_get_rate (track), ==, RATE);
      g_assert_cmpuint (lq_track_get_channels (track), ==, 2);
    }
  {
    LqTrack *intro = lq_project_get_track (project, 0);
    LqTrack *song = lq_project_get_track (project, 1);
    LqChain *chain = lq_track_get_chain (song);
    const guint64 *indexes;
    guint n_indexes;

    g_assert_cmpstr (lq_track_get_title (intro), ==, "Intro (edit)");
    g_assert_cmpstr (lq_track_get_performer (intro), ==, "Ada");
    g_assert_cmpfloat (lq_track_get_gain (intro), ==, -3.0);
    indexes = lq_track_get_indexes (intro, &n_indexes);
    g_assert_cmpuint (n_indexes, ==, 2);
    g_assert_cmpuint (indexes[0], ==, 588);
    g_assert_cmpuint (indexes[1], ==, 4410);
    g_assert_cmpstr (lq_track_get_title (song), ==, "02 Song");
    g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 1);
    g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (chain, 0)), ==, "lqlimiter");
    g_assert_cmpstr (lq_chain_element_get (lq_chain_get_element (chain, 0), "ceiling"), ==, "-1");
    g_assert_true (lq_chain_element_get_bypass (lq_chain_get_element (chain, 0)));
    /* A copy: the missing track keeps its own chain for undo. */
    g_assert_true (lq_chain_get_element (chain, 0) != lq_chain_get_element (lq_track_get_chain (missing[1]), 0));
  }

  /* Saved with the new location, relative to the project file. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *tracks;

    g_assert_true (lq_project_save (project, project_file, NULL, &error));
    g_assert_true (json_parser_load_from_file (parser, g_file_peek_path (project_file), NULL));
    tracks = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "tracks");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tracks, 0), "source"), ==,
                     "../moved/deep/album/01 Intro.wav");
  }

  /* Undo brings the missing tracks back; redo relinks again; applying twice does nothing. */
  g_assert_true (lq_history_undo (history));
  g_assert_true (lq_project_get_track (project, 0) == missing[0]);
  g_assert_true (lq_project_get_track (project, 1) == missing[1]);
  g_assert_true (lq_track_get_missing (lq_project_get_track (project, 0)));
  g_assert_true (lq_history_redo (history));
  g_assert_false (lq_track_get_missing (lq_project_get_track (project, 0)));
  g_assert_cmpuint (lq_relink_apply (project, history, proposals), ==, 0);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 1);
}

/* A track that was probed, then lost its file: its length is known. */
static LqTrack *
lost_track (Fixture *f, const char *relative, guint64 frames)
{
  g_autoptr(GFile) wav = write_sine (f, relative, frames);
  LqTrack *track = lq_track_new (wav);

  g_assert_true (lq_track_probe (track, NULL, NULL));
  g_assert_true (g_file_delete (wav, NULL, NULL));
  g_assert_false (lq_track_probe (track, NULL, NULL));
  g_assert_true (lq_track_get_missing (track));
  g_assert_cmpuint (lq_track_get_n_frames (track), ==, frames);
  return track;
}

static void
test_duplicates (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqTrack) known = lost_track (f, "old/a/01 Intro.wav", RATE / 2);
  g_autoptr(GFile) unknown_file = file_in (f, "old/a/02 Song.wav");
  g_autoptr(LqTrack) unknown = lq_track_new (unknown_file);
  g_autoptr(GFile) same_folder_name = write_sine (f, "new/a/01 Intro.wav", RATE * 4 / 5);
  g_autoptr(GFile) right_length = write_sine (f, "new/b/01 Intro.wav", RATE / 2);
  g_autoptr(GFile) song_a = write_sine (f, "new/a/02 Song.wav", RATE);
  g_autoptr(GFile) song_b = write_sine (f, "new/b/02 Song.wav", RATE);
  g_autoptr(GFile) folder = file_in (f, "new");
  g_autoptr(GPtrArray) proposals = NULL;
  g_autoptr(GError) error = NULL;
  LqRelinkProposal *p;

  g_assert_false (lq_track_probe (unknown, NULL, NULL)); /* never read: length unknown */
  lq_project_append_track (project, known);
  lq_project_append_track (project, unknown);

  proposals = lq_relink_find (project, folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (proposals->len, ==, 2);

  /* The file with the track's length wins over one in a folder of the same name. */
  p = proposal_for (proposals, known);
  g_assert_true (g_file_equal (lq_relink_proposal_get_file (p), right_length));
  g_assert_false (lq_relink_proposal_get_ambiguous (p));
  g_assert_cmpuint (lq_relink_proposal_get_n_candidates (p), ==, 2);
  g_assert_true (g_file_equal (lq_relink_proposal_get_candidate (p, 1), same_folder_name));

  /* Length unknown: the folder names decide, and the choice is flagged for a look. */
  p = proposal_for (proposals, unknown);
  g_assert_true (g_file_equal (lq_relink_proposal_get_file (p), song_a));
  g_assert_true (lq_relink_proposal_get_ambiguous (p));
  g_assert_cmpuint (lq_relink_proposal_get_n_candidates (p), ==, 2);
}

static void
test_depth_hidden_case (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GString) deep = g_string_new ("search");
  g_autoptr(GString) too_deep = NULL;
  g_autoptr(GFile) folder = file_in (f, "search");
  g_autoptr(GPtrArray) proposals = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "Deep.wav", "TooDeep.wav", "Hidden.wav", "Case.wav" };
  g_autoptr(GFile) found_deep = NULL;
  g_autoptr(GFile) found_case = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *relative = g_build_filename ("gone", names[i], NULL);
      g_autoptr(GFile) gone = file_in (f, relative);
      g_autoptr(LqTrack) track = lq_track_new (gone);

      lq_track_probe (track, NULL, NULL);
      lq_project_append_track (project, track);
    }

  /* LQ_RELINK_MAX_DEPTH folders down is searched, one more is not. */
  for (guint i = 0; i < LQ_RELINK_MAX_DEPTH; i++)
    g_string_append_printf (deep, "/d%u", i);
  too_deep = g_string_new (deep->str);
  g_string_append (too_deep, "/d");
  g_string_append (deep, "/Deep.wav");
  g_string_append (too_deep, "/TooDeep.wav");
  found_deep = write_sine (f, deep->str, RATE / 10);
  g_object_unref (write_sine (f, too_deep->str, RATE / 10));
  /* Hidden folders are not searched; letter case may differ. */
  g_object_unref (write_sine (f, "search/.cache/Hidden.wav", RATE / 10));
  found_case = write_sine (f, "search/x/CASE.WAV", RATE / 10);

  proposals = lq_relink_find (project, folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (proposals->len, ==, 2);
  g_assert_true (g_file_equal (lq_relink_proposal_get_file (proposal_for (proposals, lq_project_get_track (project, 0))), found_deep));
  g_assert_null (proposal_for (proposals, lq_project_get_track (project, 1)));
  g_assert_null (proposal_for (proposals, lq_project_get_track (project, 2)));
  g_assert_true (g_file_equal (lq_relink_proposal_get_file (proposal_for (proposals, lq_project_get_track (project, 3))), found_case));
}

static void
test_manual (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqTrack) track = lost_track (f, "old/Take 1.wav", RATE / 4);
  g_autoptr(GFile) renamed = write_sine (f, "new/Final Take.wav", RATE / 3);
  g_autofree char *text = path_in (f, "new/notes.wav");
  g_autoptr(GFile) text_file = g_file_new_for_path (text);
  g_autoptr(LqRelinkProposal) p = NULL;
  g_autoptr(LqRelinkProposal) bad = NULL;
  g_autoptr(GPtrArray) proposals = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  lq_track_set_title (track, "Take One");
  lq_project_append_track (project, track);

  /* "Locate…": a file of another name, picked by hand; no history (not undoable). */
  p = lq_relink_proposal_new (track, renamed, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (proposals, p);
  g_assert_cmpuint (lq_relink_apply (project, NULL, proposals), ==, 1);
  g_assert_false (lq_track_get_missing (lq_project_get_track (project, 0)));
  g_assert_cmpuint (lq_track_get_n_frames (lq_project_get_track (project, 0)), ==, RATE / 3);
  g_assert_cmpstr (lq_track_get_title (lq_project_get_track (project, 0)), ==, "Take One");

  /* Not audio: refused with a reason. */
  g_assert_true (g_file_set_contents (text, "la la la\n", -1, NULL));
  bad = lq_relink_proposal_new (track, text_file, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED);
}

static void
find_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lq_relink_find_finish (LQ_PROJECT (object), result, &error);
  g_assert_no_error (error);
}

static void
test_async_and_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqTrack) track = lost_track (f, "old/x.wav", RATE / 5);
  g_autoptr(GFile) moved = write_sine (f, "new/x.wav", RATE / 5);
  g_autoptr(GFile) folder = file_in (f, "new");
  g_autoptr(GFile) nowhere = file_in (f, "nowhere");
  g_autoptr(GPtrArray) proposals = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;

  lq_project_append_track (project, track);
  lq_relink_find_async (project, folder, NULL, find_done_cb, &proposals);
  while (proposals == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (proposals->len, ==, 1);
  g_assert_true (g_file_equal (lq_relink_proposal_get_file (g_ptr_array_index (proposals, 0)), moved));

  /* Not a folder: an error that says so. */
  g_assert_null (lq_relink_find (project, nowhere, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_clear_error (&error);
  g_assert_null (lq_relink_find (project, moved, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_clear_error (&error);

  /* Nothing missing: nothing proposed. */
  lq_relink_apply (project, NULL, proposals);
  none = lq_relink_find (project, folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/lq/relink/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("finds-moved", test_finds_moved);
  ADD ("duplicates", test_duplicates);
  ADD ("depth-hidden-case", test_depth_hidden_case);
  ADD ("manual", test_manual);
  ADD ("async-and-errors", test_async_and_errors);
#undef ADD

  return g_test_run ();
}
