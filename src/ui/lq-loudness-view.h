/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

#include "lq-preset.h"
#include "lq-render.h"

G_BEGIN_DECLS

#define LQ_TYPE_LOUDNESS_VIEW (lq_loudness_view_get_type ())

G_DECLARE_FINAL_TYPE (LqLoudnessView, lq_loudness_view, LQ, LOUDNESS_VIEW, GtkWidget)

/*
 * The loudness meter: momentary, short-term and integrated loudness with a history graph of
 * the momentary and short-term values, the loudness range, true peak per channel (the
 * interval value as a bar, the hold since the last reset as a tick and a number) with a clip
 * count, the PLR, a target line from the delivery preset and what each streaming service
 * would do to the track heard ("Spotify −3.2 dB", lq_preset_playback_gain()), and the
 * integrated loudness and true peak of the track heard and of the album as delivered
 * (set_programme(): measured on the rendered album; the services' readout comes from them).
 *
 * Fed with the "lqloudness" element messages (lq_loudness_view_handle_message()); it never
 * touches the streaming thread. A clip is a meter interval in which a channel's sample peak
 * reached full scale (0 dBFS); the clip count is per channel since the last reset.
 */
#define LQ_LOUDNESS_VIEW_MAX_CHANNELS 8
#define LQ_LOUDNESS_VIEW_HISTORY 600

GtkWidget *lq_loudness_view_new                (void);
gboolean   lq_loudness_view_handle_message     (LqLoudnessView     *self,
                                                const GstStructure *structure);
void       lq_loudness_view_reset              (LqLoudnessView     *self);
void       lq_loudness_view_set_preset         (LqLoudnessView     *self,
                                                const LqPreset     *preset);
void       lq_loudness_view_set_programme      (LqLoudnessView     *self,
                                                guint               track_number,
                                                const LqLoudnessSummary *track,
                                                const LqLoudnessSummary *album,
                                                gboolean            stale);
guint      lq_loudness_view_get_track_number   (LqLoudnessView     *self);
double     lq_loudness_view_get_track_loudness (LqLoudnessView     *self);
double     lq_loudness_view_get_track_true_peak (LqLoudnessView    *self);
double     lq_loudness_view_get_album_loudness (LqLoudnessView     *self);
gboolean   lq_loudness_view_get_programme_stale (LqLoudnessView    *self);
double     lq_loudness_view_get_target         (LqLoudnessView     *self);
double     lq_loudness_view_get_momentary      (LqLoudnessView     *self);
double     lq_loudness_view_get_short_term     (LqLoudnessView     *self);
double     lq_loudness_view_get_integrated     (LqLoudnessView     *self);
double     lq_loudness_view_get_loudness_range (LqLoudnessView     *self);
double     lq_loudness_view_get_plr            (LqLoudnessView     *self);
guint      lq_loudness_view_get_n_channels     (LqLoudnessView     *self);
double     lq_loudness_view_get_true_peak      (LqLoudnessView     *self,
                                                guint               channel);
double     lq_loudness_view_get_true_peak_hold (LqLoudnessView     *self,
                                                guint               channel);
guint      lq_loudness_view_get_clip_count     (LqLoudnessView     *self,
                                                guint               channel);
guint      lq_loudness_view_get_n_history      (LqLoudnessView     *self);
double     lq_loudness_view_get_history        (LqLoudnessView     *self,
                                                guint               age,
                                                double             *short_term);
guint      lq_loudness_view_get_n_services     (LqLoudnessView     *self);
const char *lq_loudness_view_get_service_name  (LqLoudnessView     *self,
                                                guint               index);
double     lq_loudness_view_get_service_gain   (LqLoudnessView     *self,
                                                guint               index);
char      *lq_loudness_view_get_service_text   (LqLoudnessView     *self,
                                                guint               index);

G_END_DECLS
