/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Level matching: after the render (master limiter included), each track's loudness,
 * measured here with libebur128 on the rendered file, is what was asked. */
#include "config.h"

#include <math.h>

#include <ebur128.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-project.h"
#include "lq-render.h"
#include "lq-sequence.h"

/* Renders @project to float and measures each track's span (without crossfade overlaps, here
 * none) with libebur128. */
static double *
render_and_measure (LqProject *project, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "render.wav", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(LqSequence) seq = lq_sequence_new (project);
  g_autoptr(GError) error = NULL;
  g_autofree float *audio = NULL;
  LqRenderOptions options = { LQ_WAV_FLOAT32, 0, NULL };
  double *lufs = g_new0 (double, seq->n_placements);
  LqTestWav wav;

  g_assert_true (lq_render_album (project, out, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  audio = lq_test_read_float_wav (path, &wav);
  g_assert_cmpuint (wav.frames, ==, seq->length);
  for (guint i = 0; i < seq->n_placements; i++)
    {
      ebur128_state *st = ebur128_init (2, seq->rate, EBUR128_MODE_I);
      const LqPlacement *p = &seq->placements[i];

      ebur128_add_frames_float (st, audio + p->start * 2, p->length);
      ebur128_loudness_global (st, &lufs[i]);
      ebur128_destroy (&st);
    }
  return lufs;
}

static LqProject *
demo_project (const char *dir, double ceiling)
{
  g_autoptr(GFile) folder = g_file_new_build_filename (dir, "demo", NULL);
  g_autoptr(GFile) file = lq_demo_write_project (folder, NULL, NULL);
  LqProject *project = lq_project_load (file, NULL, NULL);
  LqChainElement *limiter;

  g_assert_nonnull (project);
  /* The demo master ends in a limiter: level matching must respect its ceiling. */
  limiter = lq_chain_find (lq_project_get_master (project), "lqlimiter");
  g_assert_nonnull (limiter);
  lq_chain_element_set_double (limiter, "ceiling", ceiling);
  return project;
}

static void
test_match_target (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-match-XXXXXX", NULL);
  g_autoptr(LqProject) project = demo_project (dir, -1.0);
  g_autoptr(GError) error = NULL;
  g_autofree double *lufs = NULL;

  /* -12 LUFS pushes the loud demo track into the -1 dBTP limiter: the render is measured
   * and corrected, so it still lands on target. */
  g_object_set (project, "match-mode", LQ_MATCH_TARGET, "match-target", -12.0, NULL);
  g_assert_true (lq_level_match (project, NULL, &error));
  g_assert_no_error (error);
  lufs = render_and_measure (project, dir);
  for (guint i = 0; i < lq_project_get_n_tracks (project); i++)
    {
      g_test_message ("track %u: %.2f LUFS (match gain %+.2f dB)", i + 1, lufs[i],
                      lq_track_get_match_gain (lq_project_get_track (project, i)));
      g_assert_cmpfloat (fabs (lufs[i] + 12.0), <, 0.3);
    }
  lq_test_remove_tree (dir);
}

static void
test_match_album_keeps_balance (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-match-XXXXXX", NULL);
  g_autoptr(LqProject) project = demo_project (dir, -1.0);
  g_autofree double *before = NULL;
  g_autofree double *after = NULL;
  guint n = lq_project_get_n_tracks (project);

  before = render_and_measure (project, dir);
  g_object_set (project, "match-mode", LQ_MATCH_ALBUM, "match-target", -18.0, NULL);
  g_assert_true (lq_level_match (project, NULL, NULL));
  after = render_and_measure (project, dir);

  /* Every track moved by the same amount: the album's balance is kept. */
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (fabs ((after[i] - after[0]) - (before[i] - before[0])), <, 0.3);
  lq_test_remove_tree (dir);
}

static void
test_match_anchor (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-match-XXXXXX", NULL);
  g_autoptr(LqProject) project = demo_project (dir, -1.0);
  g_autofree double *before = NULL;
  g_autofree double *after = NULL;

  before = render_and_measure (project, dir);
  g_object_set (project, "match-mode", LQ_MATCH_ANCHOR, "match-anchor", 2, NULL);
  g_assert_true (lq_level_match (project, NULL, NULL));
  after = render_and_measure (project, dir);
  for (guint i = 0; i < lq_project_get_n_tracks (project); i++)
    g_assert_cmpfloat (fabs (after[i] - before[2]), <, 0.3);
  lq_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/level-match/target", test_match_target);
  g_test_add_func ("/lq/level-match/album-keeps-balance", test_match_album_keeps_balance);
  g_test_add_func ("/lq/level-match/anchor", test_match_anchor);

  return g_test_run ();
}
