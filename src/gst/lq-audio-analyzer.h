/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/audio/gstaudiofilter.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define LQ_TYPE_AUDIO_ANALYZER (lq_audio_analyzer_get_type ())

G_DECLARE_DERIVABLE_TYPE (LqAudioAnalyzer, lq_audio_analyzer, LQ, AUDIO_ANALYZER, GstAudioFilter)

/**
 * LqAudioAnalyzerClass:
 * @message_name: the name of the element messages (the factory name: "lqloudness").
 * @post_at_eos: at EOS, also post the last, partial interval (only within a time segment).
 * @setup: the format is known (or changed): create the kernel for @rate and @channels. Return
 *   %FALSE when it cannot be made (the old kernel, if any, must then stay in use).
 * @sync: at each buffer, and after @setup: copy the element's properties (kept under
 *   GST_OBJECT_LOCK) into the kernel. lq_audio_analyzer_get_interval_frames() is current.
 *   Optional.
 * @analyze: feed @frames interleaved frames to the kernel; @data is %NULL for a GAP
 *   buffer (silence, whatever its memory holds).
 * @fill_message: an interval closed. Add the element's own fields to @s, which already holds
 *   the time fields, and return %TRUE to post it (%FALSE drops it). @s is %NULL when
 *   `post-messages` is off: only do what the end of an interval needs besides the message.
 * @reset: start the analysis again: a new stream, new caps, lq_audio_analyzer_request_reset(),
 *   and a flush unless @flush says otherwise.
 * @flush: a flush (seek). The default calls @reset; %NULL keeps the analysis going across
 *   it (only the unfinished interval is dropped).
 *
 * The base class of Lacquer's passthrough analyzers (lqloudness, lqspectrum, lqphase): a
 * #GstAudioFilter for F32 interleaved audio that never touches the buffers and adds no
 * latency. It does, for every subclass:
 *
 * - the `interval` and `post-messages` properties: a subclass installs the specs of
 *   lq_audio_analyzer_param_spec_interval() and lq_audio_analyzer_param_spec_post_messages()
 *   among its own (their range, default and blurb are its own), ties its other properties to
 *   its fields with lq_gst_util_install_properties(), and uses lq_audio_analyzer_get_property()
 *   and lq_audio_analyzer_set_property() as its get_property and set_property;
 * - controller sync (gst_object_sync_values) at each buffer's stream time;
 * - the split of each buffer at the interval boundaries, counted in frames, and an element
 *   message named @message_name at the end of each interval whose first fields are
 *   `timestamp`, `stream-time`, `running-time`, `duration` and `endtime` (GstClockTime) of
 *   the interval it closes, as in `level`'s messages (`stream-time`, `running-time` and
 *   `duration` are GST_CLOCK_TIME_NONE outside a time segment or when either end of the
 *   interval has no timestamp);
 * - a flush drops the unfinished interval; a new stream (start, caps) resets everything.
 *
 * The vfuncs are called with the stream lock held and no object lock; @analyze and
 * @fill_message must not block.
 */
struct _LqAudioAnalyzerClass
{
  GstAudioFilterClass parent_class;

  const char *message_name;
  gboolean    post_at_eos;

  gboolean (*setup)        (LqAudioAnalyzer *self,
                            guint            rate,
                            guint            channels);
  void     (*sync)         (LqAudioAnalyzer *self);
  void     (*analyze)      (LqAudioAnalyzer *self,
                            const float     *data,
                            gsize            frames);
  gboolean (*fill_message) (LqAudioAnalyzer *self,
                            GstStructure    *s);
  void     (*reset)        (LqAudioAnalyzer *self);
  void     (*flush)        (LqAudioAnalyzer *self);

  gpointer padding[8];
};

void        lq_audio_analyzer_class_add_pad_templates  (LqAudioAnalyzerClass *klass,
                                                        guint                 max_rate,
                                                        guint                 max_channels);
GParamSpec *lq_audio_analyzer_param_spec_interval      (GstClockTime          min_interval,
                                                        GstClockTime          default_interval);
GParamSpec *lq_audio_analyzer_param_spec_post_messages (const char           *blurb);

void        lq_audio_analyzer_get_property             (GObject              *object,
                                                        guint                 prop_id,
                                                        GValue               *value,
                                                        GParamSpec           *pspec);
void        lq_audio_analyzer_set_property             (GObject              *object,
                                                        guint                 prop_id,
                                                        const GValue         *value,
                                                        GParamSpec           *pspec);
guint       lq_audio_analyzer_get_rate                 (LqAudioAnalyzer      *self);
guint64     lq_audio_analyzer_get_interval_frames      (LqAudioAnalyzer      *self);
void        lq_audio_analyzer_request_reset            (LqAudioAnalyzer      *self);

G_END_DECLS
