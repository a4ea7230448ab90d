/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-demo"

#include "config.h"

#include "lq-synth.h"

#include "lq-demo.h"
#include "lq-wav.h"

/**
 * lq_demo_write_album:
 * @folder: where the album goes; created when missing
 *
 * Synthesizes the demo album (see lq-synth.h) and writes each track as a 24-bit, 44.1 kHz
 * stereo WAV file named "NN Title.wav".
 *
 * Returns: (transfer full) (element-type GFile): the track files in album order, or %NULL
 */
GPtrArray *
lq_demo_write_album (GFile         *folder,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  if (!g_file_make_directory_with_parents (folder, cancellable, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0; i < lq_synth_demo_n_tracks (); i++)
    {
      const LqSynthTrackInfo *info = lq_synth_demo_track_info (i);
      gsize frames = lq_synth_demo_frames (i, LQ_DEMO_RATE);
      g_autofree float *audio = g_new (float, frames * 2);
      g_autofree char *name = g_strdup_printf ("%02u %s.wav", i + 1, info->title);
      g_autoptr(GFile) file = g_file_get_child (folder, name);

      lq_synth_demo_render (i, LQ_DEMO_RATE, audio, frames);
      if (!lq_wav_write_file (file, audio, frames, 2, LQ_DEMO_RATE, LQ_WAV_PCM24, cancellable, error))
        return NULL;
      g_ptr_array_add (files, g_steal_pointer (&file));
    }
  return g_steal_pointer (&files);
}
