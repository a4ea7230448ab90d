/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Delivery presets against the delivery table of shared/reference/loudness.md (typed in here by
 * hand), the project settings they make, and the playback rule in closed form. */
#include "config.h"

#include <math.h>

#include "lq-preset.h"
#include "lq-project.h"

/* The reference table: service, integrated target, peak advice, normalization. */
static const struct
{
  const char *id;
  const char *name;
  double target;
  double ceiling;
  double loud_ceiling;
  gboolean album;
} reference[] = {
  { "spotify", "Spotify", -14.0, -1.0, -2.0, TRUE },  /* -2 dBTP for masters louder than -14; album mode */
  { "apple-music", "Apple Music", -16.0, -1.0, -1.0, FALSE },
  { "youtube", "YouTube", -14.0, -1.0, -1.0, FALSE },
  { "tidal", "Tidal", -14.0, -1.0, -1.0, TRUE },
  { "amazon-music", "Amazon Music", -14.0, -2.0, -2.0, FALSE },
  { "deezer", "Deezer", -15.0, -1.0, -1.0, FALSE },
};

static void
test_table (void)
{
  guint n = 0;
  const LqPreset *presets = lq_preset_get_builtin (&n);

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (reference));
  for (guint i = 0; i < n; i++)
    {
      const LqPreset *p = lq_preset_lookup (reference[i].id);

      g_assert_nonnull (p);
      g_assert_true (p == &presets[i]);
      g_assert_cmpstr (p->id, ==, reference[i].id);
      g_assert_cmpstr (p->name, ==, reference[i].name);
      g_assert_cmpfloat (p->target_lufs, ==, reference[i].target);
      g_assert_cmpfloat (p->ceiling_dbtp, ==, reference[i].ceiling);
      g_assert_cmpfloat (p->loud_ceiling_dbtp, ==, reference[i].loud_ceiling);
      g_assert_cmpint (p->normalization == LQ_PRESET_NORMALIZE_ALBUM, ==, reference[i].album);
    }
}

static void
test_lookup (void)
{
  g_autofree char *ids = lq_preset_list_ids ();

  g_assert_cmpstr (lq_preset_lookup ("Apple Music")->id, ==, "apple-music");
  g_assert_cmpstr (lq_preset_lookup ("APPLE")->id, ==, "apple-music");
  g_assert_cmpstr (lq_preset_lookup ("amazon_music")->id, ==, "amazon-music");
  g_assert_cmpstr (lq_preset_lookup ("amazon")->id, ==, "amazon-music");
  g_assert_cmpstr (lq_preset_lookup ("YouTube")->id, ==, "youtube");
  g_assert_null (lq_preset_lookup ("napster"));
  g_assert_null (lq_preset_lookup (""));
  g_assert_null (lq_preset_lookup ("spotifyx"));
  g_assert_null (lq_preset_lookup (LQ_PRESET_CUSTOM_ID));
  g_assert_cmpstr (ids, ==, "spotify, apple-music, youtube, tidal, amazon-music, deezer, custom");
}

static double
limiter_ceiling (LqProject *project)
{
  LqChainElement *limiter = lq_chain_find (lq_project_get_master (project), "lqlimiter");

  g_assert_nonnull (limiter);
  g_assert_false (lq_chain_element_get_bypass (limiter));
  return g_ascii_strtod (lq_chain_element_get (limiter, "ceiling"), NULL);
}

static void
test_apply (void)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqChainElement) eq = lq_chain_element_new ("lqeq");
  g_autoptr(LqChainElement) dither = lq_chain_element_new ("lqdither");
  LqChain *master = lq_project_get_master (project);
  g_autofree char *preset_id = NULL;

  /* A master without a limiter gets one, before the final dither. */
  lq_chain_append (master, eq);
  lq_chain_append (master, dither);
  lq_preset_apply (lq_preset_lookup ("spotify"), project);
  g_assert_cmpuint (lq_chain_get_n_elements (master), ==, 3);
  g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (master, 0)), ==, "lqeq");
  g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (master, 1)), ==, "lqlimiter");
  g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (master, 2)), ==, "lqdither");
  g_assert_cmpfloat (limiter_ceiling (project), ==, -1.0);
  g_assert_cmpint (lq_project_get_match_mode (project), ==, LQ_MATCH_ALBUM);
  g_assert_cmpfloat (lq_project_get_match_target (project), ==, -14.0);
  g_object_get (project, "preset", &preset_id, NULL);
  g_assert_cmpstr (preset_id, ==, "spotify");
  g_clear_pointer (&preset_id, g_free);

  /* The existing limiter is reused, enabled and set. */
  lq_chain_element_set_bypass (lq_chain_find (master, "lqlimiter"), TRUE);
  lq_preset_apply (lq_preset_lookup ("amazon-music"), project);
  g_assert_cmpuint (lq_chain_get_n_elements (master), ==, 3);
  g_assert_cmpfloat (limiter_ceiling (project), ==, -2.0);
  g_assert_cmpint (lq_project_get_match_mode (project), ==, LQ_MATCH_TARGET);
  g_assert_cmpfloat (lq_project_get_match_target (project), ==, -14.0);

  lq_preset_apply (lq_preset_lookup ("apple-music"), project);
  g_assert_cmpfloat (lq_project_get_match_target (project), ==, -16.0);
  g_assert_cmpfloat (limiter_ceiling (project), ==, -1.0);
  g_object_get (project, "preset", &preset_id, NULL);
  g_assert_cmpstr (preset_id, ==, "apple-music");
}

static void
test_custom (void)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  LqPreset preset, again;

  /* No limiter: -1 dBTP; the project's target and mode. */
  g_object_set (project, "match-mode", LQ_MATCH_ALBUM, "match-target", -12.5, NULL);
  lq_preset_init_from_project (&preset, project);
  g_assert_cmpstr (preset.id, ==, LQ_PRESET_CUSTOM_ID);
  g_assert_cmpfloat (preset.target_lufs, ==, -12.5);
  g_assert_cmpfloat (preset.ceiling_dbtp, ==, -1.0);
  g_assert_cmpint (preset.normalization, ==, LQ_PRESET_NORMALIZE_ALBUM);

  lq_chain_element_set_double (limiter, "ceiling", -0.3);
  lq_chain_append (lq_project_get_master (project), limiter);
  g_object_set (project, "match-mode", LQ_MATCH_TARGET, NULL);
  lq_preset_init_from_project (&preset, project);
  g_assert_cmpfloat (preset.ceiling_dbtp, ==, -0.3);
  g_assert_cmpint (preset.normalization, ==, LQ_PRESET_NORMALIZE_TRACK);

  /* Applying the project's own preset changes nothing. */
  lq_preset_apply (&preset, project);
  lq_preset_init_from_project (&again, project);
  g_assert_cmpfloat (again.target_lufs, ==, preset.target_lufs);
  g_assert_cmpfloat (again.ceiling_dbtp, ==, preset.ceiling_dbtp);
  g_assert_cmpint (again.normalization, ==, preset.normalization);
  g_assert_cmpuint (lq_chain_get_n_elements (lq_project_get_master (project)), ==, 1);

  lq_preset_init_custom (&preset, -9.0, -0.5, LQ_PRESET_NORMALIZE_TRACK);
  g_assert_cmpfloat (preset.loud_ceiling_dbtp, ==, -0.5);
  g_assert_cmpfloat (lq_preset_get_ceiling_for (&preset, -3.0, 0.5), ==, -0.5);
}

static void
test_ceiling_for (void)
{
  const LqPreset *spotify = lq_preset_lookup ("spotify");
  const LqPreset *youtube = lq_preset_lookup ("youtube");

  /* Spotify: -2 dBTP only for masters louder than -14 LUFS (beyond the tolerance). */
  g_assert_cmpfloat (lq_preset_get_ceiling_for (spotify, -14.0, 0.5), ==, -1.0);
  g_assert_cmpfloat (lq_preset_get_ceiling_for (spotify, -13.6, 0.5), ==, -1.0);
  g_assert_cmpfloat (lq_preset_get_ceiling_for (spotify, -13.4, 0.5), ==, -2.0);
  g_assert_cmpfloat (lq_preset_get_ceiling_for (spotify, -8.0, 0.0), ==, -2.0);
  g_assert_cmpfloat (lq_preset_get_ceiling_for (spotify, -INFINITY, 0.5), ==, -1.0);
  g_assert_cmpfloat (lq_preset_get_ceiling_for (youtube, -8.0, 0.5), ==, -1.0);
}

static void
test_playback_gain (void)
{
  const LqPreset *spotify = lq_preset_lookup ("spotify");
  const LqPreset *youtube = lq_preset_lookup ("youtube");
  const LqPreset *apple = lq_preset_lookup ("apple-music");
  const LqPreset *deezer = lq_preset_lookup ("deezer");

  /* A loud master is turned down by the whole difference: target - L. */
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (youtube, -8.0, -0.2, -9.0, -0.1), -6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (apple, -8.0, -0.2, -9.0, -0.1), -8.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (deezer, -8.0, -0.2, -9.0, -0.1), -7.0, 1e-12);
  /* Album normalization: the album's loudness decides, the same for every track. */
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (spotify, -8.0, -0.2, -9.0, -0.1), -5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (spotify, -20.0, -9.0, -9.0, -0.1), -5.0, 1e-12);
  /* A quiet master is turned up only as far as its peak stays under the ceiling (-1 dBTP):
   * -20 LUFS with a -6 dBTP peak: 6 dB wanted, 5 dB of headroom. */
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (youtube, -20.0, -6.0, -20.0, -6.0), 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (youtube, -20.0, -12.0, -20.0, -12.0), 6.0, 1e-12);
  /* Peaks already above the ceiling: not turned up at all (and never turned down for it). */
  g_assert_cmpfloat (lq_preset_playback_gain (youtube, -20.0, -0.5, -20.0, -0.5), ==, 0.0);
  /* At the target: nothing. Silence: nothing. */
  g_assert_cmpfloat (lq_preset_playback_gain (apple, -16.0, -3.0, -16.0, -3.0), ==, 0.0);
  g_assert_cmpfloat (lq_preset_playback_gain (youtube, -INFINITY, -INFINITY, -INFINITY, -INFINITY), ==, 0.0);
  /* Album mode with an unknown album loudness falls back to the track. */
  g_assert_cmpfloat_with_epsilon (lq_preset_playback_gain (spotify, -10.0, -1.0, -INFINITY, -1.0), -4.0, 1e-12);
}

static void
test_normalization_names (void)
{
  LqPresetNormalization n = LQ_PRESET_NORMALIZE_TRACK;

  g_assert_true (lq_preset_normalization_from_string ("album", &n));
  g_assert_cmpint (n, ==, LQ_PRESET_NORMALIZE_ALBUM);
  g_assert_cmpstr (lq_preset_normalization_to_string (n), ==, "album");
  g_assert_true (lq_preset_normalization_from_string ("track", &n));
  g_assert_cmpint (n, ==, LQ_PRESET_NORMALIZE_TRACK);
  g_assert_false (lq_preset_normalization_from_string ("song", &n));
  g_assert_false (lq_preset_normalization_from_string (NULL, &n));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/preset/table", test_table);
  g_test_add_func ("/lq/preset/lookup", test_lookup);
  g_test_add_func ("/lq/preset/apply", test_apply);
  g_test_add_func ("/lq/preset/custom", test_custom);
  g_test_add_func ("/lq/preset/ceiling-for", test_ceiling_for);
  g_test_add_func ("/lq/preset/playback-gain", test_playback_gain);
  g_test_add_func ("/lq/preset/normalization-names", test_normalization_names);

  return g_test_run ();
}
