/* SPDX-License-Identifier: GPL-3.0-or-later */
/* .lacquer project files: round trip, relative paths, refusal of damaged and newer files,
 * missing sources, and saves that never leave a broken file behind. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "lq-atomic-file.h"
#include "lq-demo.h"
#include "lq-engine-error.h"
#include "lq-project.h"

typedef struct
{
  char *dir;        /* scratch folder */
  GFile *project;   /* the demo project inside it */
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_dir_close (d);
  g_rmdir (path);
}

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
  remove_tree (f->dir);
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
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "format_version"), ==, 1);

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

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/lq/project-file/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/lq/project-file/relative-paths", Fixture, NULL, fixture_setup, test_relative_paths, fixture_teardown);
  g_test_add ("/lq/project-file/refuses-bad-files", Fixture, NULL, fixture_setup, test_refuses_bad_files, fixture_teardown);
  g_test_add ("/lq/project-file/missing-source", Fixture, NULL, fixture_setup, test_missing_source_still_opens, fixture_teardown);
  g_test_add ("/lq/project-file/interrupted-save", Fixture, NULL, fixture_setup, test_interrupted_save_keeps_file, fixture_teardown);

  return g_test_run ();
}
