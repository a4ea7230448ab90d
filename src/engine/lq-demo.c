/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-demo"

#include "config.h"

#include "lq-synth.h"

#include "lq-demo.h"
#include "lq-project.h"
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

/**
 * lq_demo_write_project:
 * @folder: where the album and its project go; created when missing
 *
 * Writes the demo album (lq_demo_write_album()) and a project that uses it, named
 * #LQ_DEMO_PROJECT_NAME: the tracks' titles and performer, 2 s pauses (the first one the
 * CD's pre-gap, so the demo passes the Red Book checks as it is), and a master chain ending in
 * a true-peak limiter at -1 dBTP.
 *
 * Returns: (transfer full): the project file, or %NULL
 */
GFile *
lq_demo_write_project (GFile         *folder,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) files = lq_demo_write_album (folder, cancellable, error);
  g_autoptr(LqProject) project = NULL;
  g_autoptr(GFile) file = NULL;

  if (files == NULL)
    return NULL;

  project = lq_project_new ();
  lq_project_set_title (project, "Lacquer Demo Album");
  lq_project_set_artist (project, lq_synth_demo_track_info (0)->performer);
  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(LqTrack) track = lq_track_new (g_ptr_array_index (files, i));
      const LqSynthTrackInfo *info = lq_synth_demo_track_info (i);

      lq_track_set_title (track, info->title);
      lq_track_set_performer (track, info->performer);
      /* 2 s before every track: before the first, the CD's pre-gap (Red Book) */
      g_object_set (track, "pause", (guint64) (2 * LQ_DEMO_RATE), NULL);
      lq_project_append_track (project, track);
    }
  {
    /* The usual last stage of a master: a true-peak limiter at -1 dBTP. */
    g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");

    lq_chain_element_set_double (limiter, "ceiling", -1.0);
    lq_chain_append (lq_project_get_master (project), limiter);
  }

  file = g_file_get_child (folder, LQ_DEMO_PROJECT_NAME);
  if (!lq_project_save (project, file, cancellable, error))
    return NULL;
  return g_steal_pointer (&file);
}
