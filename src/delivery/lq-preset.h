/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lq-project.h"

G_BEGIN_DECLS

/*
 * Delivery presets: what a streaming service does to a master when it plays it, from the
 * services' published help pages and the usual secondary tables (AES TD1008).
 *
 * | id           | target  | ceiling                                  | normalization |
 * |--------------|---------|------------------------------------------|---------------|
 * | spotify      | -14 LUFS| -1 dBTP (-2 dBTP for masters above -14)  | album         |
 * | apple-music  | -16 LUFS| -1 dBTP                                  | track         |
 * | youtube      | -14 LUFS| -1 dBTP                                  | track         |
 * | tidal        | -14 LUFS| -1 dBTP                                  | album         |
 * | amazon-music | -14 LUFS| -2 dBTP                                  | track         |
 * | deezer       | -15 LUFS| -1 dBTP                                  | track         |
 * | custom       | the project's own match target and limiter ceiling               |
 *
 * Spotify plays albums in album mode (the album's track-to-track balance kept) and Tidal
 * normalizes albums as a whole by default; the other services normalize each track.
 *
 * Applying a preset (lq_preset_apply()) sets the project's level matching (match mode: album
 * or target, match target) and its master limiter's ceiling; lq_level_match() then sets the
 * tracks' gains.
 *
 * The playback rule (lq_preset_playback_gain()), what a service does to a master it receives:
 * it measures the integrated loudness L of the track (track normalization) or of the whole
 * album (album normalization) and applies gain = target - L. A master louder than the target is
 * turned down by the full difference. A quieter one is turned up only as far as its true peak
 * allows: never past the service's ceiling (the gain is at most ceiling - true peak, of the
 * track or of the album's loudest track, and never negative for a quiet master). Services play
 * without a limiter in their default mode, which is what this rule models.
 */

/**
 * LqPresetNormalization:
 * @LQ_PRESET_NORMALIZE_TRACK: every track is measured and normalized on its own
 * @LQ_PRESET_NORMALIZE_ALBUM: the album is measured as a whole and every track gets the same
 *   gain, keeping the album's balance
 */
typedef enum
{
  LQ_PRESET_NORMALIZE_TRACK,
  LQ_PRESET_NORMALIZE_ALBUM,
} LqPresetNormalization;

/**
 * LqPreset:
 * @id: the name used on the command line and in project files ("spotify", "custom")
 * @name: the name shown to people ("Apple Music")
 * @target_lufs: the service's integrated loudness target
 * @ceiling_dbtp: the highest true peak the service asks for
 * @loud_ceiling_dbtp: the ceiling for masters louder than the target (Spotify asks -2 dBTP
 *   of those); equal to @ceiling_dbtp when the service makes no such difference
 * @normalization: track or album normalization
 *
 * A plain struct: copy it freely. The built-in presets are static.
 */
typedef struct
{
  const char *id;
  const char *name;
  double target_lufs;
  double ceiling_dbtp;
  double loud_ceiling_dbtp;
  LqPresetNormalization normalization;
} LqPreset;

#define LQ_PRESET_CUSTOM_ID "custom"

const LqPreset *lq_preset_get_builtin      (guint                 *n_presets);
const LqPreset *lq_preset_lookup           (const char            *id);
char           *lq_preset_list_ids         (void);
void            lq_preset_init_custom      (LqPreset              *preset,
                                            double                 target_lufs,
                                            double                 ceiling_dbtp,
                                            LqPresetNormalization  normalization);
void            lq_preset_init_from_project (LqPreset             *preset,
                                            LqProject             *project);
void            lq_preset_apply            (const LqPreset        *preset,
                                            LqProject             *project);
double          lq_preset_get_ceiling_for  (const LqPreset        *preset,
                                            double                 integrated_lufs,
                                            double                 tolerance_lu);
double          lq_preset_playback_gain    (const LqPreset        *preset,
                                            double                 track_lufs,
                                            double                 track_true_peak_dbtp,
                                            double                 album_lufs,
                                            double                 album_true_peak_dbtp);
const char     *lq_preset_normalization_to_string (LqPresetNormalization normalization);
gboolean        lq_preset_normalization_from_string (const char           *text,
                                            LqPresetNormalization *normalization);

G_END_DECLS
