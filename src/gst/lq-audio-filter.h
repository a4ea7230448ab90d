/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/audio/gstaudiofilter.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define LQ_TYPE_AUDIO_FILTER (lq_audio_filter_get_type ())

G_DECLARE_DERIVABLE_TYPE (LqAudioFilter, lq_audio_filter, LQ, AUDIO_FILTER, GstAudioFilter)

/**
 * LqAudioFilterClass:
 * @setup: the format is known (or changed): create or configure the kernel for @rate and
 *   @channels (1 or 2). Called on the streaming thread with no lock held. Return %FALSE when
 *   the kernel cannot be made (the element then refuses the caps).
 * @process: run the kernel in place on @frames interleaved float frames. Copy the element's
 *   properties (kept under GST_OBJECT_LOCK) into the kernel at the start, then process without
 *   holding the lock. Never allocates or blocks.
 * @reset: clear the kernel's state (delay lines, envelopes) after a flush, a seek, or when the
 *   output turned non-finite.
 * @get_latency: the kernel's delay in frames at the current settings (0 by default).
 *
 * The base class of Lacquer's processing elements: a #GstAudioFilter for F32 interleaved mono
 * or stereo at 44.1 to 192 kHz that does, for every subclass:
 *
 * - the `bypass` property: a 10 ms crossfade between the processed signal and the dry input
 *   delayed by the element's latency, so bypassing never clicks and never changes the latency
 *   (the kernel keeps running while bypassed, so switching back is seamless too);
 * - latency compensation: the first `latency` output frames are dropped and, at EOS, the tail
 *   is drained by processing silence, so output sample n is input sample n processed, and the
 *   output has exactly as many frames as the input; the LATENCY query reports the delay for
 *   live use;
 * - controller sync (gst_object_sync_values) at each buffer's stream time;
 * - a safety net: non-finite output samples are replaced by silence and @reset is called, so a
 *   NaN or Inf in the input never poisons later output.
 */
struct _LqAudioFilterClass
{
  GstAudioFilterClass parent_class;

  gboolean (*setup)       (LqAudioFilter *self,
                           guint          rate,
                           guint          channels);
  void     (*process)     (LqAudioFilter *self,
                           float         *data,
                           guint          frames);
  void     (*reset)       (LqAudioFilter *self);
  guint    (*get_latency) (LqAudioFilter *self);

  gpointer padding[8];
};

guint    lq_audio_filter_get_rate          (LqAudioFilter *self);
guint    lq_audio_filter_get_channels      (LqAudioFilter *self);
gboolean lq_audio_filter_get_bypass        (LqAudioFilter *self);
void     lq_audio_filter_set_bypass        (LqAudioFilter *self,
                                            gboolean       bypass);
void     lq_audio_filter_latency_changed   (LqAudioFilter *self);

G_END_DECLS
