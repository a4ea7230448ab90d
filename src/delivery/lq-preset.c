/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-preset"

#include "config.h"

#include <math.h>
#include <string.h>

#include "lq-preset.h"

/* The lqlimiter default, used when a project's master has no limiter or leaves it unset. */
#define DEFAULT_CEILING_DBTP -1.0

static const LqPreset builtin_presets[] = {
  /* Spotify: -14 LUFS; -1 dBTP, -2 dBTP for masters louder than -14; album mode keeps balance. */
  { "spotify", "Spotify", -14.0, -1.0, -2.0, LQ_PRESET_NORMALIZE_ALBUM },
  /* Apple Music Sound Check: about -16 LUFS, -1 dBTP. */
  { "apple-music", "Apple Music", -16.0, -1.0, -1.0, LQ_PRESET_NORMALIZE_TRACK },
  { "youtube", "YouTube", -14.0, -1.0, -1.0, LQ_PRESET_NORMALIZE_TRACK },
  { "tidal", "Tidal", -14.0, -1.0, -1.0, LQ_PRESET_NORMALIZE_ALBUM },
  { "amazon-music", "Amazon Music", -14.0, -2.0, -2.0, LQ_PRESET_NORMALIZE_TRACK },
  { "deezer", "Deezer", -15.0, -1.0, -1.0, LQ_PRESET_NORMALIZE_TRACK },
};

/**
 * lq_preset_get_builtin:
 * @n_presets: (out): the number of presets
 *
 * Returns: (transfer none) (array length=n_presets): the services' presets (not "custom")
 */
const LqPreset *
lq_preset_get_builtin (guint *n_presets)
{
  g_return_val_if_fail (n_presets != NULL, NULL);

  *n_presets = G_N_ELEMENTS (builtin_presets);
  return builtin_presets;
}

/* "Apple Music", "apple_music" and "apple-music" are the same name. */
static gboolean
name_matches (const char *a,
              const char *b)
{
  for (; *a != '\0' && *b != '\0'; a++, b++)
    {
      char ca = g_ascii_tolower (*a == ' ' || *a == '_' ? '-' : *a);
      char cb = g_ascii_tolower (*b == ' ' || *b == '_' ? '-' : *b);

      if (ca != cb)
        return FALSE;
    }
  return *a == '\0' && *b == '\0';
}

/**
 * lq_preset_lookup:
 * @id: a preset id or display name, any case ("spotify", "Apple Music", "amazon_music");
 *   "apple" and "amazon" are accepted too
 *
 * Returns: (transfer none) (nullable): the built-in preset, %NULL when there is none of that
 *   name (and for "custom": see lq_preset_init_from_project())
 */
const LqPreset *
lq_preset_lookup (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_presets); i++)
    {
      const LqPreset *p = &builtin_presets[i];
      g_autofree char *short_id = g_strndup (p->id, strcspn (p->id, "-"));

      if (name_matches (id, p->id) || name_matches (id, p->name) || name_matches (id, short_id))
        return p;
    }
  return NULL;
}

/**
 * lq_preset_list_ids:
 *
 * Returns: (transfer full): the preset ids for a message, "spotify, apple-music, …, custom"
 */
char *
lq_preset_list_ids (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_presets); i++)
    g_string_append_printf (s, "%s, ", builtin_presets[i].id);
  g_string_append (s, LQ_PRESET_CUSTOM_ID);
  return g_string_free (s, FALSE);
}

/**
 * lq_preset_init_custom:
 *
 * Fills @preset as the "custom" preset with these figures (no stricter ceiling for loud
 * masters).
 */
void
lq_preset_init_custom (LqPreset              *preset,
                       double                 target_lufs,
                       double                 ceiling_dbtp,
                       LqPresetNormalization  normalization)
{
  g_return_if_fail (preset != NULL);

  preset->id = LQ_PRESET_CUSTOM_ID;
  preset->name = "Custom";
  preset->target_lufs = target_lufs;
  preset->ceiling_dbtp = ceiling_dbtp;
  preset->loud_ceiling_dbtp = ceiling_dbtp;
  preset->normalization = normalization;
}

/* The ceiling of the project's master limiter: its "ceiling" setting, or the element's default;
 * NAN when the master has no (active) limiter. */
static double
master_ceiling (LqProject *project)
{
  LqChainElement *limiter = lq_chain_find (lq_project_get_master (project), "lqlimiter");
  const char *value;

  if (limiter == NULL || lq_chain_element_get_bypass (limiter))
    return NAN;
  value = lq_chain_element_get (limiter, "ceiling");
  return value != NULL ? g_ascii_strtod (value, NULL) : DEFAULT_CEILING_DBTP;
}

/**
 * lq_preset_init_from_project:
 *
 * Fills @preset as the "custom" preset that describes @project as it is: its match target,
 * its master limiter's ceiling (-1 dBTP when it has none) and album normalization when the
 * project matches levels in album mode, track normalization otherwise.
 */
void
lq_preset_init_from_project (LqPreset  *preset,
                             LqProject *project)
{
  double ceiling;

  g_return_if_fail (preset != NULL);
  g_return_if_fail (LQ_IS_PROJECT (project));

  ceiling = master_ceiling (project);
  lq_preset_init_custom (preset, lq_project_get_match_target (project),
                         isnan (ceiling) ? DEFAULT_CEILING_DBTP : ceiling,
                         lq_project_get_match_mode (project) == LQ_MATCH_ALBUM
                           ? LQ_PRESET_NORMALIZE_ALBUM : LQ_PRESET_NORMALIZE_TRACK);
}

/**
 * lq_preset_apply:
 *
 * Makes @project deliver to @preset: its "preset" becomes the preset's id, its level matching
 * the preset's normalization (album: LQ_MATCH_ALBUM, track: LQ_MATCH_TARGET) at the preset's
 * target, and the master chain's lqlimiter (added before any lqdither at the end when the
 * master has none, enabled when bypassed) gets the preset's ceiling. The tracks' gains follow
 * only when lq_level_match() runs.
 */
void
lq_preset_apply (const LqPreset *preset,
                 LqProject      *project)
{
  LqChain *master;
  LqChainElement *limiter;

  g_return_if_fail (preset != NULL);
  g_return_if_fail (LQ_IS_PROJECT (project));

  g_object_set (project,
                "preset", preset->id,
                "match-mode", preset->normalization == LQ_PRESET_NORMALIZE_ALBUM ? LQ_MATCH_ALBUM : LQ_MATCH_TARGET,
                "match-target", CLAMP (preset->target_lufs, -60.0, 0.0),
                NULL);

  master = lq_project_get_master (project);
  limiter = lq_chain_find (master, "lqlimiter");
  if (limiter == NULL)
    {
      g_autoptr(LqChainElement) element = lq_chain_element_new ("lqlimiter");
      guint position = lq_chain_get_n_elements (master);

      /* A limiter goes before the final word length reduction. */
      while (position > 0
             && g_strcmp0 (lq_chain_element_get_factory (lq_chain_get_element (master, position - 1)), "lqdither") == 0)
        position--;
      lq_chain_insert (master, position, element);
      limiter = element;
    }
  lq_chain_element_set_bypass (limiter, FALSE);
  lq_chain_element_set_double (limiter, "ceiling", preset->ceiling_dbtp);
}

/**
 * lq_preset_get_ceiling_for:
 * @integrated_lufs: the master's integrated loudness
 * @tolerance_lu: how far above the target a master must be to count as louder than it
 *
 * Returns: the true-peak ceiling @preset asks of a master this loud, dBTP
 */
double
lq_preset_get_ceiling_for (const LqPreset *preset,
                           double          integrated_lufs,
                           double          tolerance_lu)
{
  g_return_val_if_fail (preset != NULL, 0.0);

  if (isfinite (integrated_lufs) && integrated_lufs > preset->target_lufs + tolerance_lu)
    return MIN (preset->ceiling_dbtp, preset->loud_ceiling_dbtp);
  return preset->ceiling_dbtp;
}

/**
 * lq_preset_playback_gain:
 * @track_lufs: the track's integrated loudness
 * @track_true_peak_dbtp: the track's true peak
 * @album_lufs: the whole album's integrated loudness (used with album normalization)
 * @album_true_peak_dbtp: the album's highest true peak (used with album normalization)
 *
 * The playback rule described at the top of lq-preset.h: the gain the service applies when it
 * plays this track, in dB; negative when the track is turned down. 0 for digital silence.
 */
double
lq_preset_playback_gain (const LqPreset *preset,
                         double          track_lufs,
                         double          track_true_peak_dbtp,
                         double          album_lufs,
                         double          album_true_peak_dbtp)
{
  gboolean album;
  double loudness, peak, gain;

  g_return_val_if_fail (preset != NULL, 0.0);

  album = preset->normalization == LQ_PRESET_NORMALIZE_ALBUM && isfinite (album_lufs);
  loudness = album ? album_lufs : track_lufs;
  peak = album ? album_true_peak_dbtp : track_true_peak_dbtp;
  if (!isfinite (loudness))
    return 0.0;
  gain = preset->target_lufs - loudness;
  if (gain > 0.0)
    {
      double headroom = isfinite (peak) ? preset->ceiling_dbtp - peak : gain;

      gain = MIN (gain, MAX (headroom, 0.0));
    }
  return gain;
}

const char *
lq_preset_normalization_to_string (LqPresetNormalization normalization)
{
  return normalization == LQ_PRESET_NORMALIZE_ALBUM ? "album" : "track";
}

gboolean
lq_preset_normalization_from_string (const char            *text,
                                     LqPresetNormalization *normalization)
{
  g_return_val_if_fail (normalization != NULL, FALSE);

  if (g_strcmp0 (text, "album") == 0)
    *normalization = LQ_PRESET_NORMALIZE_ALBUM;
  else if (g_strcmp0 (text, "track") == 0)
    *normalization = LQ_PRESET_NORMALIZE_TRACK;
  else
    return FALSE;
  return TRUE;
}
