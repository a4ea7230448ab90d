/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the tests (GLib only: any suite may link them, see tests/meson.build). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A WAV file's format as its fmt chunk gives it (filled by the lq_test_read_*_wav() readers). */
typedef struct
{
  guint tag;      /* the format tag as written: 1 PCM, 3 IEEE float, 0xFFFE extensible */
  guint format;   /* what the samples are: the tag, or an extensible file's sub-format (1 or 3) */
  guint channels; /* interleaved channels */
  guint rate;     /* frames per second */
  guint bits;     /* bits per sample */
  gsize frames;   /* whole frames in the data chunk (as far as the file holds them) */
} LqTestWav;

/* Files and folders */
void      lq_test_remove_tree     (const char  *path);
char     *lq_test_list_folder     (const char  *path,
                                   const char  *separator);
gboolean  lq_test_have_program    (const char  *name);

/* WAV files of test material, written and read here (not by the code under test) */
void      lq_test_write_float_wav (const char  *path,
                                   const float *audio,
                                   gsize        frames,
                                   guint        channels,
                                   guint        rate);
float    *lq_test_read_float_wav  (const char  *path,
                                   LqTestWav   *wav);
gint32   *lq_test_read_pcm_wav    (const char  *path,
                                   LqTestWav   *wav);

/* The default main context */
void      lq_test_iterate         (guint        ms);
void      lq_test_wait_for        (gboolean   (*cond) (gpointer),
                                   gpointer     data,
                                   guint        seconds);

G_END_DECLS
