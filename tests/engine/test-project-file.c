/* SPDX-License-Identifier: GPL-3.0-or-later */
/* .lacquer project files: round trip, relative paths, refusal of damaged and newer files,
 * missing sources, and saves that never leave a broken file behind. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "../lq-test-util.h"
#include "lq-atomic-file.h"
#include "lq-chain-runner.h"
#include "lq-element-state.h"
#include "lq-elements.h"
#include "lq-synth.h"
#include "lq-demo.h"
#include "lq-engine-error.h"
#include "lq-project.h"

typedef struct
{
  char *dir;        /* scratch folder */
  GFile *project;   /* the demo project inside it */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) album = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("lq-project-XXXXXX", NULL);
  album = g_file_new_build_filename (f->dir, "album", NULL);
  f->project = lq_demo_write_project (album, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lq_test_remove_tree (f->dir);
  g_free (f->dir);
  g_clear_object (&f->project);
}

static char *
read_text (GFile *file)
{
  char *text = NULL;

  g_assert_true (g_file_load_contents (file, NULL, &text, NULL, NULL, NULL));
  return text;
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = lq_project_load (f->project, NULL, &error);
  g_autofree char *first = read_text (f->project);
  g_autofree char *second = NULL;
  g_autoptr(GFile) again = g_file_new_build_filename (f->dir, "album", "again.lacquer", NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (lq_project_get_title (project), ==, "Lacquer Demo Album");
  g_assert_cmpuint (lq_project_get_n_tracks (project), ==, 4);
  g_assert_cmpstr (lq_track_get_title (lq_project_get_track (project, 1)), ==, "Copper Wire");
  g_assert_false (lq_track_get_missing (lq_project_get_track (project, 1)));

  /* Load then save gives the same JSON, byte for byte. */
  g_assert_true (lq_project_save (project, again, NULL, &error));
  g_assert_no_error (error);
  second = read_text (again);
  g_assert_cmpstr (first, ==, second);
}

static void
test_relative_paths (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = lq_project_load (f->project, NULL, &error);
  g_autoptr(GFile) elsewhere = g_file_new_build_filename (f->dir, "sessions", "v2", "album.lacquer", NULL);
  g_autoptr(GFile) parent = g_file_get_parent (elsewhere);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_autoptr(LqProject) reloaded = NULL;
  JsonObject *track0;

  g_assert_true (g_file_make_directory_with_parents (parent, NULL, NULL));
  g_assert_true (lq_project_save (project, elsewhere, NULL, &error));
  text = read_text (elsewhere);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  track0 = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "tracks"), 0);
  g_assert_cmpstr (json_object_get_string_member (track0, "source"), ==, "../../album/01 Morning Static.wav");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "format_version"), ==, 2);

  reloaded = lq_project_load (elsewhere, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lq_track_get_missing (lq_project_get_track (reloaded, 0)));
  g_assert_cmpuint (lq_track_get_n_frames (lq_project_get_track (reloaded, 0)), ==, 24 * 44100);
}

static void
write_and_expect_refusal (Fixture *f, const char *contents, gssize len, int code, const char *needle)
{
  g_autofree char *path = g_build_filename (f->dir, "bad.lacquer", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  project = lq_project_load (file, NULL, &error);
  g_assert_null (project);
  g_assert_error (error, LQ_ENGINE_ERROR, code);
  g_assert_nonnull (strstr (error->message, "bad.lacquer"));
  if (needle)
    g_assert_nonnull (strstr (error->message, needle));
}

static void
test_refuses_bad_files (Fixture *f, gconstpointer data)
{
  g_autofree char *good = read_text (f->project);

  /* Truncated halfway, garbage, wrong types, no version, a newer version. */
  write_and_expect_refusal (f, good, strlen (good) / 2, LQ_ENGINE_ERROR_PROJECT_CORRUPT, "damaged");
  write_and_expect_refusal (f, "\x89PNG\r\n", -1, LQ_ENGINE_ERROR_PROJECT_CORRUPT, NULL);
  write_and_expect_refusal (f, "[1, 2, 3]", -1, LQ_ENGINE_ERROR_PROJECT_CORRUPT, "not a valid");
  write_and_expect_refusal (f, "{\"tracks\": []}", -1, LQ_ENGINE_ERROR_PROJECT_CORRUPT, NULL);
  write_and_expect_refusal (f, "{\"format_version\": 1, \"tracks\": [{\"source\": 5}]}", -1,
                            LQ_ENGINE_ERROR_PROJECT_CORRUPT, NULL);
  write_and_expect_refusal (f, "{\"format_version\": 99, \"tracks\": []}", -1,
                            LQ_ENGINE_ERROR_PROJECT_VERSION, "newer version");
}

static void
test_missing_source_still_opens (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) wav = g_file_new_build_filename (f->dir, "album", "03 Slow Tide.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;

  g_assert_true (g_file_delete (wav, NULL, NULL));
  project = lq_project_load (f->project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lq_project_get_n_tracks (project), ==, 4);
  g_assert_true (lq_track_get_missing (lq_project_get_track (project, 2)));
  g_assert_false (lq_track_get_missing (lq_project_get_track (project, 3)));
  g_assert_cmpstr (lq_track_get_title (lq_project_get_track (project, 2)), ==, "Slow Tide");
}

static void
test_interrupted_save_keeps_file (Fixture *f, gconstpointer data)
{
  g_autofree char *before = read_text (f->project);
  g_autofree char *after = NULL;
  g_autofree char *backup_path = g_strconcat (g_file_peek_path (f->project), "~", NULL);
  g_autoptr(GFile) backup = g_file_new_for_path (backup_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = lq_project_load (f->project, NULL, &error);

  /* A save that dies before its commit (a crash, a full disk) leaves the file as it was and
   * no temporary file behind. */
  {
    g_autoptr(LqAtomicFile) atomic = lq_atomic_file_new (f->project, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (lq_atomic_file_get_stream (atomic), "{\"format", 8, NULL, NULL, NULL));
  }
  after = read_text (f->project);
  g_assert_cmpstr (before, ==, after);
  {
    g_autoptr(GFile) dir = g_file_get_parent (f->project);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *info;

    while ((info = g_file_enumerator_next_file (e, NULL, NULL)))
      {
        g_assert_false (g_str_has_suffix (g_file_info_get_name (info), ".part"));
        g_object_unref (info);
      }
  }

  /* A real save keeps the previous version as a backup. */
  lq_project_set_title (project, "Renamed");
  g_assert_true (lq_project_save (project, f->project, NULL, &error));
  g_clear_pointer (&after, g_free);
  after = read_text (backup);
  g_assert_cmpstr (before, ==, after);
}

/* A format-1 chain listed only what a user changed; the rest meant the defaults of the day. */
static const char format1_file[] =
  "{\n"
  "  \"format_version\": 1,\n"
  "  \"title\": \"Old Session\",\n"
  "  \"rate\": 44100,\n"
  "  \"master\": [ { \"element\": \"lqlimiter\", \"bypass\": false, \"properties\": { \"ceiling\": -2.0, \"drive\": 4.0 } } ],\n"
  "  \"tracks\": [ {\n"
  "    \"source\": \"album/01 Morning Static.wav\",\n"
  "    \"chain\": [\n"
  "      { \"element\": \"lqeq\", \"bypass\": false, \"properties\": { \"num-bands\": 2, \"band0::type\": \"high-pass\", \"band0::freq\": 80.0, \"band1::gain\": 3.0 } },\n"
  "      { \"element\": \"lqcompressor\", \"bypass\": false, \"properties\": { \"threshold\": -20.0 } },\n"
  "      { \"element\": \"lqdither\", \"bypass\": false }\n"
  "    ]\n"
  "  } ]\n"
  "}\n";

static void
count_setting (const char *name, const char *value, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* Runs five seconds of demo music through @chain. */
static float *
process (LqChain *chain, gsize frames)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqChainRunner) runner = lq_chain_runner_new (chain, 44100, 2, &error);
  float *in = g_new (float, frames * 2);
  float *out = g_new0 (float, frames * 2);

  g_assert_no_error (error);
  lq_synth_demo_render (1, 44100, in, frames);
  g_assert_true (lq_chain_runner_push (runner, in, frames, &error));
  g_assert_true (lq_chain_runner_finish (runner, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lq_chain_runner_read (runner, out, frames), ==, frames);
  g_free (in);
  return out;
}

static void
test_format1_migrated (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "old.lacquer", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) saved = g_file_new_build_filename (f->dir, "old-saved.lacquer", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(LqProject) reloaded = NULL;
  g_autoptr(LqChain) expected = lq_chain_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  LqChain *chain;
  const gsize frames = 5 * 44100;

  g_assert_true (g_file_set_contents (path, format1_file, -1, NULL));
  project = lq_project_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lq_project_get_title (project), ==, "Old Session");
  chain = lq_track_get_chain (lq_project_get_track (project, 0));
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 3);

  /* Every element now lists every setting it has (counted on fresh elements), keeping the
   * values the file gave. */
  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    {
      LqChainElement *element = lq_chain_get_element (chain, i);
      g_autoptr(GstElement) fresh = gst_object_ref_sink (gst_element_factory_make (lq_chain_element_get_factory (element), NULL));
      g_auto(GStrv) listed = lq_chain_element_list_properties (element);
      guint n = 0;

      lq_element_state_foreach (fresh, count_setting, &n);
      g_assert_cmpuint (g_strv_length (listed), ==, n);
    }
  g_assert_cmpstr (lq_chain_element_get (lq_chain_get_element (chain, 0), "band0::type"), ==, "high-pass");
  g_assert_cmpfloat (g_ascii_strtod (lq_chain_element_get (lq_chain_get_element (chain, 1), "threshold"), NULL), ==, -20.0);
  g_assert_cmpfloat (g_ascii_strtod (lq_chain_element_get (lq_chain_get_element (lq_project_get_master (project), 0), "drive"), NULL), ==, 4.0);

  /* It sounds as it did: the same audio as a chain with only those settings changed. */
  {
    g_autoptr(LqChainElement) eq = lq_chain_element_new ("lqeq");
    g_autoptr(LqChainElement) comp = lq_chain_element_new ("lqcompressor");
    g_autoptr(LqChainElement) dither = lq_chain_element_new ("lqdither");

    lq_chain_element_set (eq, "num-bands", "2");
    lq_chain_element_set (eq, "band0::type", "high-pass");
    lq_chain_element_set (eq, "band0::freq", "80");
    lq_chain_element_set (eq, "band1::gain", "3");
    lq_chain_element_set (comp, "threshold", "-20");
    lq_chain_append (expected, eq);
    lq_chain_append (expected, comp);
    lq_chain_append (expected, dither);
  }
  a = process (chain, frames);
  b = process (expected, frames);
  g_assert_cmpmem (a, frames * 2 * sizeof (float), b, frames * 2 * sizeof (float));

  /* Saved, it is format 2 with the whole state; loading and saving that changes nothing. */
  g_assert_true (lq_project_save (project, saved, NULL, &error));
  g_assert_no_error (error);
  text = read_text (saved);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "format_version"), ==, 2);
  reloaded = lq_project_load (saved, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lq_project_save (reloaded, saved, NULL, &error));
  text2 = read_text (saved);
  g_assert_cmpstr (text, ==, text2);
  /* The dither seed is a 64-bit integer: written exactly, not rounded through a double. */
  g_assert_nonnull (strstr (text, "\"seed\" : 5503789558575493665"));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  lq_elements_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/lq/project-file/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/lq/project-file/relative-paths", Fixture, NULL, fixture_setup, test_relative_paths, fixture_teardown);
  g_test_add ("/lq/project-file/refuses-bad-files", Fixture, NULL, fixture_setup, test_refuses_bad_files, fixture_teardown);
  g_test_add ("/lq/project-file/format-1-migrated", Fixture, NULL, fixture_setup, test_format1_migrated, fixture_teardown);
  g_test_add ("/lq/project-file/missing-source", Fixture, NULL, fixture_setup, test_missing_source_still_opens, fixture_teardown);
  g_test_add ("/lq/project-file/interrupted-save", Fixture, NULL, fixture_setup, test_interrupted_save_keeps_file, fixture_teardown);

  return g_test_run ();
}
