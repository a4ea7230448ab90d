/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo album on disk: one 24-bit 44.1 kHz stereo WAV per track, readable by GStreamer,
 * probed into a project with the right lengths. */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "../lq-test-util.h"
#include "lq-demo.h"
#include "lq-project.h"
#include "lq-synth.h"

static void
added_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  lq_project_add_files_finish (LQ_PROJECT (object), result, error);
  *(gboolean *) g_object_get_data (object, "done") = TRUE;
}

static void
test_demo_album_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-demo-XXXXXX", NULL);
  g_autoptr(GFile) folder = g_file_new_build_filename (dir, "album", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = lq_demo_write_album (folder, NULL, &error);
  g_autoptr(GstDiscoverer) disc = gst_discoverer_new (10 * GST_SECOND, NULL);
  g_autoptr(LqProject) project = lq_project_new ();
  gboolean done = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (files);
  g_assert_cmpuint (files->len, ==, lq_synth_demo_n_tracks ());

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *uri = g_file_get_uri (g_ptr_array_index (files, i));
      g_autoptr(GstDiscovererInfo) info = gst_discoverer_discover_uri (disc, uri, &error);
      GList *streams;
      double expected = lq_synth_demo_track_info (i)->seconds;

      g_assert_no_error (error);
      streams = gst_discoverer_info_get_audio_streams (info);
      g_assert_cmpuint (gst_discoverer_audio_info_get_sample_rate (streams->data), ==, 44100);
      g_assert_cmpuint (gst_discoverer_audio_info_get_channels (streams->data), ==, 2);
      g_assert_cmpuint (gst_discoverer_audio_info_get_depth (streams->data), ==, 24);
      g_assert_cmpfloat (fabs ((double) gst_discoverer_info_get_duration (info) / GST_SECOND - expected), <, 0.001);
      gst_discoverer_stream_info_list_free (streams);
    }

  /* Probed into a project: titles from the file names, exact lengths in samples. */
  g_object_set_data (G_OBJECT (project), "done", &done);
  lq_project_add_files_async (project, (GFile **) files->pdata, files->len, NULL, added_cb, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_cmpuint (lq_project_get_n_tracks (project), ==, files->len);
  for (guint i = 0; i < files->len; i++)
    {
      LqTrack *track = lq_project_get_track (project, i);
      g_autofree char *title = g_strdup_printf ("%02u %s", i + 1, lq_synth_demo_track_info (i)->title);

      g_assert_cmpstr (lq_track_get_title (track), ==, title);
      g_assert_cmpuint (lq_track_get_n_frames (track), ==, lq_synth_demo_frames (i, 44100));
      g_assert_cmpuint (lq_track_get_rate (track), ==, 44100);
      g_assert_false (lq_track_get_missing (track));
    }
  lq_test_remove_tree (dir);
}

static void
test_project_reports_bad_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-demo-XXXXXX", NULL);
  g_autofree char *junk_path = g_build_filename (dir, "notes.wav", NULL);
  g_autoptr(GFile) junk = g_file_new_for_path (junk_path);
  g_autoptr(GFile) missing = g_file_new_build_filename (dir, "gone.wav", NULL);
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GError) error = NULL;
  GFile *files[2] = { junk, missing };
  gboolean done = FALSE;

  g_assert_true (g_file_set_contents (junk_path, "this is not audio", -1, NULL));
  g_object_set_data (G_OBJECT (project), "done", &done);
  lq_project_add_files_async (project, files, 2, NULL, added_cb, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* Both files named in the error, nothing added. */
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "notes.wav"));
  g_assert_nonnull (strstr (error->message, "gone.wav"));
  g_assert_cmpuint (lq_project_get_n_tracks (project), ==, 0);
  g_unlink (junk_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/demo/album-files", test_demo_album_files);
  g_test_add_func ("/lq/demo/bad-files", test_project_reports_bad_files);

  return g_test_run ();
}
