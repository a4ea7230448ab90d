/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The album measured as delivered (lq_render_measure, and `lacquer-cli analyze PROJECT`):
 * every value equals libebur128's on the rendered file, each track's span and the whole
 * album, master limiter included. */
#include "config.h"

#include <math.h>

#include <ebur128.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "../lq-test-util.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-project.h"
#include "lq-render.h"
#include "lq-sequence.h"

#define CEILING (-1.0) /* dBTP, the demo master's limiter */

static GFile *demo_file; /* the demo project, written once for all the tests */

typedef struct
{
  double integrated;
  double lra;
  double true_peak;   /* dBTP, the higher channel */
  double sample_peak; /* dBFS */
} Reference;

static double
to_db (double linear)
{
  return linear > 0.0 ? 20.0 * log10 (linear) : -INFINITY;
}

/* libebur128's values for @frames stereo frames of @audio. */
static void
measure_with_libebur128 (const float *audio,
                         gsize        frames,
                         guint        rate,
                         Reference   *out)
{
  ebur128_state *st = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK
                                             | EBUR128_MODE_SAMPLE_PEAK);
  double peak;

  ebur128_add_frames_float (st, audio, frames);
  g_assert_cmpint (ebur128_loudness_global (st, &out->integrated), ==, EBUR128_SUCCESS);
  g_assert_cmpint (ebur128_loudness_range (st, &out->lra), ==, EBUR128_SUCCESS);
  out->true_peak = out->sample_peak = -INFINITY;
  for (guint c = 0; c < 2; c++)
    {
      g_assert_cmpint (ebur128_true_peak (st, c, &peak), ==, EBUR128_SUCCESS);
      out->true_peak = MAX (out->true_peak, to_db (peak));
      g_assert_cmpint (ebur128_sample_peak (st, c, &peak), ==, EBUR128_SUCCESS);
      out->sample_peak = MAX (out->sample_peak, to_db (peak));
    }
  ebur128_destroy (&st);
}

/* The demo album with a crossfade into track 3 and track 1 pushed 6 dB into the limiter. */
static LqProject *
demo_project (void)
{
  LqProject *project = lq_project_load (demo_file, NULL, NULL);
  LqChainElement *limiter;

  g_assert_nonnull (project);
  limiter = lq_chain_find (lq_project_get_master (project), "lqlimiter");
  g_assert_nonnull (limiter);
  lq_chain_element_set_double (limiter, "ceiling", CEILING);
  g_object_set (lq_project_get_track (project, 0), "gain", 6.0, NULL);
  g_object_set (lq_project_get_track (project, 2), "crossfade", (guint64) (3 * LQ_DEMO_RATE), NULL);
  return project;
}

static void
check_summary (const char              *what,
               const LqLoudnessSummary *values,
               const Reference         *ref)
{
  g_test_message ("%s: %.3f LUFS (libebur128 %.3f), LRA %.2f (%.2f), %.3f dBTP (%.3f), %.4f dBFS (%.4f)", what,
                  values->integrated_lufs, ref->integrated, values->lra_lu, ref->lra, values->true_peak_dbtp,
                  ref->true_peak, values->sample_peak_dbfs, ref->sample_peak);
  g_assert_cmpfloat_with_epsilon (values->integrated_lufs, ref->integrated, 0.01);
  g_assert_cmpfloat_with_epsilon (values->sample_peak_dbfs, ref->sample_peak, 1e-4);
  /* Two true-peak meters agree within EBU Tech 3341's tolerance (+0.2/-0.4 dB): ours
   * interpolates with BS.1770's 4x filter, libebur128 with its own. */
  g_assert_cmpfloat (values->true_peak_dbtp, <=, ref->true_peak + 0.2);
  g_assert_cmpfloat (values->true_peak_dbtp, >=, ref->true_peak - 0.4);
  /* Our loudness range steps short-term blocks every 10 ms, libebur128's every 100 ms. */
  g_assert_cmpfloat_with_epsilon (values->lra_lu, ref->lra, 0.5);
}

/* `lacquer-cli analyze --json PROJECT`, parsed. */
static JsonObject *
cli_analyze (const char *project_path, JsonParser *parser)
{
  const char *cli = g_getenv ("LACQUER_CLI");
  const char *argv[] = { cli, "analyze", "--json", project_path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (cli);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
check_cli (const char      *what,
           JsonObject      *values,
           const Reference *ref)
{
  g_test_message ("lacquer-cli %s: %.3f LUFS, %.3f dBTP", what, json_object_get_double_member (values, "integrated_lufs"),
                  json_object_get_double_member (values, "true_peak_dbtp"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (values, "integrated_lufs"), ref->integrated, 0.01);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (values, "sample_peak_dbfs"), ref->sample_peak, 0.001);
  g_assert_cmpfloat (json_object_get_double_member (values, "true_peak_dbtp"), <=, ref->true_peak + 0.2);
  g_assert_cmpfloat (json_object_get_double_member (values, "true_peak_dbtp"), >=, ref->true_peak - 0.4);
}

static void
test_as_delivered (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-measure-XXXXXX", NULL);
  g_autoptr(LqProject) project = demo_project ();
  g_autoptr(LqSequence) seq = lq_sequence_new (project);
  g_autofree char *path = g_build_filename (dir, "album.wav", NULL);
  g_autofree char *project_path = g_build_filename (dir, "album.lacquer", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *cli;
  JsonArray *cli_tracks;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumLoudness) values = NULL;
  g_autofree float *audio = NULL;
  LqRenderOptions options = { LQ_WAV_FLOAT32, 0, NULL };
  LqTestWav wav;
  Reference ref;

  values = lq_render_measure (project, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (values);
  g_assert_cmpuint (values->n_tracks, ==, seq->n_placements);

  g_assert_true (lq_render_album (project, out, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  audio = lq_test_read_float_wav (path, &wav);
  g_assert_cmpuint (wav.frames, ==, seq->length);
  /* The command line measures the same project, saved */
  g_assert_true (lq_project_save (project, project_file, NULL, &error));
  g_assert_no_error (error);
  cli = cli_analyze (project_path, parser);
  cli_tracks = json_object_get_array_member (cli, "tracks");
  g_assert_cmpuint (json_array_get_length (cli_tracks), ==, seq->n_placements);

  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      guint64 from = p->start + p->overlap_in;
      guint64 to = p->end - MIN (p->overlap_out, p->length);
      g_autofree char *what = g_strdup_printf ("track %u", i + 1);

      g_assert_true (values->tracks[i].track == p->track);
      g_assert_cmpuint (values->tracks[i].index, ==, p->index);
      measure_with_libebur128 (audio + from * 2, to - from, seq->rate, &ref);
      check_summary (what, &values->tracks[i].loudness, &ref);
      check_cli (what, json_array_get_object_element (cli_tracks, i), &ref);
      /* As delivered: through the master limiter, whatever the track's gain. */
      g_assert_cmpfloat (values->tracks[i].loudness.true_peak_dbtp, <=, CEILING + 0.05);
    }
  /* Track 3's crossfade is shared: neither its span nor track 2's holds it. */
  g_assert_cmpuint (seq->placements[2].overlap_in, ==, 3 * LQ_DEMO_RATE);

  measure_with_libebur128 (audio, seq->length, seq->rate, &ref);
  check_summary ("album", &values->album, &ref);
  check_cli ("album", json_object_get_object_member (cli, "album"), &ref);
  lq_test_remove_tree (dir);
}

static void
measured_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The measurement runs on the project as it was when it started. */
static void
test_async_snapshot (void)
{
  g_autoptr(LqProject) project = demo_project ();
  g_autoptr(LqAlbumLoudness) before = lq_render_measure (project, NULL, NULL);
  g_autoptr(LqAlbumLoudness) async = NULL;
  g_autoptr(LqAlbumLoudness) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  g_assert_nonnull (before);
  n = before->n_tracks;
  /* Only the project holds its tracks now. */
  for (guint i = 0; i < n; i++)
    g_clear_object (&before->tracks[i].track);
  lq_render_measure_async (project, NULL, measured_cb, &result);
  /* Edits now do not reach it: 6 dB less into the limiter, and the last track gone. */
  g_object_set (lq_project_get_track (project, 0), "gain", 0.0, NULL);
  g_list_store_remove (G_LIST_STORE (lq_project_get_tracks (project)), n - 1);
  async = lq_render_measure_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (async->n_tracks, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpfloat (async->tracks[i].loudness.integrated_lufs, ==, before->tracks[i].loudness.integrated_lufs);
      g_assert_cmpfloat (async->tracks[i].loudness.true_peak_dbtp, ==, before->tracks[i].loudness.true_peak_dbtp);
    }
  g_assert_cmpfloat (async->album.integrated_lufs, ==, before->album.integrated_lufs);
  /* The removed track is gone (no one holds it): its values stay, its track is NULL. */
  g_assert_null (async->tracks[n - 1].track);
  g_assert_true (async->tracks[0].track == lq_project_get_track (project, 0));

  /* Measured again: track 1 without its 6 dB is quieter (the limiter took less than 6). */
  after = lq_render_measure (project, NULL, NULL);
  g_assert_cmpuint (after->n_tracks, ==, n - 1);
  g_assert_cmpfloat (after->tracks[0].loudness.integrated_lufs, <, before->tracks[0].loudness.integrated_lufs - 1.0);
}

static void
test_cancel (void)
{
  g_autoptr(LqProject) project = demo_project ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAlbumLoudness) values = NULL;

  lq_render_measure_async (project, cancellable, measured_cb, &result);
  g_cancellable_cancel (cancellable);
  values = lq_render_measure_finish (wait_for (&result), &error);
  g_assert_null (values);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/render-measure/as-delivered", test_as_delivered);
  g_test_add_func ("/lq/render-measure/async-snapshot", test_async_snapshot);
  g_test_add_func ("/lq/render-measure/cancel", test_cancel);
  {
    g_autofree char *dir = g_dir_make_tmp ("lq-measure-XXXXXX", NULL);
    g_autoptr(GFile) folder = g_file_new_build_filename (dir, "demo", NULL);
    int status;

    demo_file = lq_demo_write_project (folder, NULL, NULL);
    g_assert_nonnull (demo_file);
    status = g_test_run ();
    g_clear_object (&demo_file);
    lq_test_remove_tree (dir);
    return status;
  }
}
