/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-ddp-reader"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lq-ddp-reader.h"
#include "lq-ddp.h"
#include "lq-wav.h"

#define BLOCK_FRAMES (LQ_CD_FRAME_SAMPLES * 32)

struct _LqDdpReader
{
  char *path;               /* the folder */
  GHashTable *names;        /* lower-case file name -> the name in the folder */
  char *level;              /* DDPID level, e.g. "DDP 2.00" */
  char *master_id;          /* DDPID master ID */
  char *image_name;         /* the D0 stream's file */
  char *pq_name;            /* the PQ stream's file */
  char *cdtext_name;        /* the CD-Text stream's file, NULL when none */
  guint64 image_sectors;    /* DSL of the D0 stream */
  gint64 pregap;            /* PRE2 of the D0 stream, -1 when blank */
  gint64 pq_length;         /* DSL of the PQ stream (bytes), -1 when blank */
  gint64 cdtext_length;     /* DSL of the CD-Text stream (bytes), -1 when blank */
  int image_fd;             /* open on the image, -1 when it could not be opened */
  guint64 image_size;       /* its size in bytes */
  LqCdDisc *disc;           /* what the descriptors describe */
  GPtrArray *issues;        /* LqRedbookIssue found while reading the descriptors */
};

G_DEFINE_QUARK (lq-ddp-error-quark, lq_ddp_error)

/* The text of a fixed-width field, without the padding spaces. */
static char *
field_text (const guint8 *record,
            guint         offset,
            guint         len)
{
  g_autofree char *text = g_strndup ((const char *) record + offset, len);

  for (char *p = text; *p; p++)
    if (!g_ascii_isprint (*p))
      *p = ' ';
  return g_strdup (g_strstrip (text));
}

/* A number field (space- or zero-padded); -1 when blank or not a number. */
static gint64
field_number (const guint8 *record,
              guint         offset,
              guint         len)
{
  g_autofree char *text = field_text (record, offset, len);
  guint64 value;

  if (*text == '\0' || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    return -1;
  return (gint64) value;
}

static void
structure_issue (LqDdpReader     *self,
                 LqCheckSeverity  severity,
                 guint            track,
                 const char      *message)
{
  lq_redbook_issues_add (self->issues, severity, LQ_RULE_STRUCTURE, track, "%s", message);
}

static gboolean
list_folder (LqDdpReader  *self,
             GError      **error)
{
  GDir *dir = g_dir_open (self->path, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_hash_table_insert (self->names, g_ascii_strdown (name, -1), g_strdup (name));
  g_dir_close (dir);
  return TRUE;
}

/* The path of @name in the folder (compared without case), NULL when there is no such file. */
static char *
find_file (LqDdpReader *self,
           const char  *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  const char *actual = g_hash_table_lookup (self->names, lower);

  return actual != NULL ? g_build_filename (self->path, actual, NULL) : NULL;
}

static GBytes *
read_named (LqDdpReader  *self,
            const char   *name,
            GError      **error)
{
  g_autofree char *path = find_file (self, name);
  char *data;
  gsize size;

  if (path == NULL)
    {
      g_autofree char *folder = g_filename_display_name (self->path);

      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   _("The DDP folder “%s” has no file “%s”"), folder, name);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &size, error))
    return NULL;
  return g_bytes_new_take (data, size);
}

static gboolean
parse_ddpid (LqDdpReader  *self,
             GError      **error)
{
  g_autofree char *path = find_file (self, "DDPID");
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *r;
  g_autofree char *type = NULL;
  g_autofree char *upc = NULL;

  if (path == NULL)
    {
      g_autofree char *folder = g_filename_display_name (self->path);

      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_NOT_DDP,
                   _("“%s” is not a DDP fileset: it has no DDPID file"), folder);
      return FALSE;
    }
  bytes = read_named (self, "DDPID", error);
  if (bytes == NULL)
    return FALSE;
  r = g_bytes_get_data (bytes, NULL);
  if (g_bytes_get_size (bytes) < LQ_DDP_RECORD_SIZE || memcmp (r, "DDP", 3) != 0)
    {
      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_NOT_DDP,
                   _("DDPID is not a DDP identification record (%zu bytes, starting “%.3s”)"),
                   g_bytes_get_size (bytes), g_bytes_get_size (bytes) >= 3 ? (const char *) r : "");
      return FALSE;
    }
  if (g_bytes_get_size (bytes) != LQ_DDP_RECORD_SIZE)
    structure_issue (self, LQ_CHECK_WARNING, 0, _("DDPID is not exactly 128 bytes long"));
  self->level = field_text (r, 0, 8);
  if (!g_str_has_prefix (self->level, "DDP 2.0"))
    {
      g_autofree char *message = g_strdup_printf (_("The DDP level is “%s”; Lacquer reads DDP 2.00 layouts"), self->level);

      structure_issue (self, LQ_CHECK_WARNING, 0, message);
    }
  upc = field_text (r, 8, 13);
  if (*upc)
    self->disc->upc = g_steal_pointer (&upc);
  self->master_id = field_text (r, 38, 48);
  type = field_text (r, 87, 2);
  if (strcmp (type, "CD") != 0)
    {
      g_autofree char *message = g_strdup_printf (_("DDPID’s type is “%s”, not “CD”"), type);

      structure_issue (self, LQ_CHECK_WARNING, 0, message);
    }
  return TRUE;
}

static char *
stream_name (const guint8 *r)
{
  gint64 len = field_number (r, 71, 3);
  guint n = len >= 1 && len <= 17 ? (guint) len : 17;

  return field_text (r, 74, n);
}

static gboolean
parse_ddpms (LqDdpReader  *self,
             GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size;

  {
    g_autofree char *path = find_file (self, "DDPMS");

    if (path == NULL)
      {
        g_autofree char *folder = g_filename_display_name (self->path);

        g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_NOT_DDP,
                     _("“%s” is not a DDP fileset: it has no DDPMS file"), folder);
        return FALSE;
      }
  }
  if ((bytes = read_named (self, "DDPMS", error)) == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || size % LQ_DDP_RECORD_SIZE != 0)
    {
      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   _("DDPMS is %zu bytes long, not a whole number of 128-byte map packets"), size);
      return FALSE;
    }
  for (gsize off = 0; off < size; off += LQ_DDP_RECORD_SIZE)
    {
      const guint8 *r = data + off;
      g_autofree char *dst = field_text (r, 4, 2);
      g_autofree char *sub = field_text (r, 30, 8);
      g_autofree char *cdm = field_text (r, 38, 2);
      g_autofree char *name = stream_name (r);
      gint64 dsl = field_number (r, 14, 8);

      if (memcmp (r, "VVVM", 4) != 0)
        {
          g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                       _("DDPMS packet %zu does not start with “VVVM”"), off / LQ_DDP_RECORD_SIZE + 1);
          return FALSE;
        }
      if (strcmp (dst, "D0") == 0)
        {
          gint64 dss = field_number (r, 22, 8);
          gint64 pre2 = field_number (r, 46, 4);

          if (strcmp (cdm, "DA") != 0)
            {
              g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_UNSUPPORTED,
                           _("The DDP stream “%s” is not CD-DA audio (CDM “%s”); Lacquer reads audio CDs only"),
                           name, cdm);
              return FALSE;
            }
          if (self->image_name != NULL)
            {
              g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_UNSUPPORTED,
                           _("The DDP fileset has more than one audio stream (“%s” and “%s”); Lacquer reads single-image filesets"),
                           self->image_name, name);
              return FALSE;
            }
          if (dsl < 0 || *name == '\0')
            {
              g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                           _("The DDP audio map packet has no length (DSL) or no file name (DSI)"));
              return FALSE;
            }
          self->image_name = g_steal_pointer (&name);
          self->image_sectors = (guint64) dsl;
          if (dss > 0)
            structure_issue (self, LQ_CHECK_WARNING, 0, _("The audio stream does not start at sector 0 (DSS); times are read from the image start"));
          self->pregap = pre2;
        }
      else if (strcmp (dst, "S0") == 0 && g_str_has_prefix (sub, "PQ"))
        {
          g_free (self->pq_name);
          self->pq_name = g_steal_pointer (&name);
          self->pq_length = dsl;
        }
      else if (strcmp (dst, "S0") == 0 && g_str_has_prefix (sub, "CDTEXT"))
        {
          g_free (self->cdtext_name);
          self->cdtext_name = g_steal_pointer (&name);
          self->cdtext_length = dsl;
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("DDPMS describes a stream Lacquer does not read (type “%s”, “%s”, file “%s”)"),
                                                      dst, sub, name);

          structure_issue (self, LQ_CHECK_WARNING, 0, message);
        }
    }
  if (self->image_name == NULL || self->pq_name == NULL)
    {
      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   self->image_name == NULL ? _("DDPMS has no audio stream (D0, CD-DA)")
                                            : _("DDPMS has no PQ descriptor stream (S0, PQ DESCR)"));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint track;              /* 0 lead-in, 1..99, 100 lead-out */
  guint index;
  guint64 at;               /* CD frames */
  guint8 control;           /* Q control nibble */
  char *isrc;               /* NULL when blank */
  char *upc;                /* NULL when blank */
} PqPoint;

static void
pq_point_clear (gpointer data)
{
  PqPoint *point = data;

  g_free (point->isrc);
  g_free (point->upc);
}

static gboolean
parse_pq_packet (const guint8  *r,
                 guint          number,
                 PqPoint       *point,
                 GError       **error)
{
  g_autofree char *track = field_text (r, 4, 2);
  g_autofree char *cb1 = field_text (r, 16, 2);
  gint64 index = field_number (r, 6, 2);
  gint64 hours = field_number (r, 8, 2);
  gint64 m = field_number (r, 10, 2), s = field_number (r, 12, 2), f = field_number (r, 14, 2);
  gint64 n;

  if (memcmp (r, "VVVS", 4) != 0)
    {
      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   _("PQ descriptor packet %u does not start with “VVVS”"), number);
      return FALSE;
    }
  if (strcmp (track, "AA") == 0)
    point->track = 100;
  else if ((n = field_number (r, 4, 2)) >= 0 && n <= 99)
    point->track = (guint) n;
  else
    {
      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   _("PQ descriptor packet %u has the track number “%s”"), number, track);
      return FALSE;
    }
  if (index < 0 || m < 0 || s < 0 || f < 0 || s >= 60 || f >= LQ_CD_FRAMES_PER_SECOND)
    {
      g_autofree char *text = g_strndup ((const char *) r + 6, 10);

      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   _("PQ descriptor packet %u has an invalid index or time (“%s”)"), number, text);
      return FALSE;
    }
  point->index = (guint) index;
  point->at = LQ_CD_MSF ((MAX (hours, 0) * 60 + m), s, f);
  point->control = g_ascii_isxdigit (cb1[0]) ? (guint8) g_ascii_xdigit_value (cb1[0]) : 0;
  point->isrc = field_text (r, 20, 12);
  point->upc = field_text (r, 32, 13);
  if (*point->isrc == '\0')
    g_clear_pointer (&point->isrc, g_free);
  if (*point->upc == '\0')
    g_clear_pointer (&point->upc, g_free);
  return TRUE;
}

static gboolean
parse_pq (LqDdpReader  *self,
          const char   *ddpid_upc,
          GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (PqPoint));
  g_autofree gboolean *seen = NULL;
  const guint8 *data;
  gsize size;
  guint n_tracks = 0;
  gint64 leadout = -1;
  const char *pq_upc = NULL;
  guint64 previous = 0;

  g_array_set_clear_func (points, pq_point_clear);
  if ((bytes = read_named (self, self->pq_name, error)) == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || size % LQ_DDP_PQ_SIZE != 0)
    {
      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   _("The PQ descriptor “%s” is %zu bytes long, not a whole number of 64-byte packets"),
                   self->pq_name, size);
      return FALSE;
    }
  if (self->pq_length >= 0 && (gsize) self->pq_length != size)
    {
      g_autofree char *message = g_strdup_printf (_("The PQ descriptor is %zu bytes long, but DDPMS says %" G_GINT64_FORMAT),
                                                  size, self->pq_length);

      structure_issue (self, LQ_CHECK_ERROR, 0, message);
    }

  for (gsize off = 0; off < size; off += LQ_DDP_PQ_SIZE)
    {
      PqPoint point = { 0 };

      if (!parse_pq_packet (data + off, off / LQ_DDP_PQ_SIZE + 1, &point, error))
        return FALSE;
      g_array_append_val (points, point);
      if (point.track >= 1 && point.track <= 99)
        n_tracks = MAX (n_tracks, point.track);
    }

  self->disc = lq_cd_disc_new (n_tracks);
  seen = g_new0 (gboolean, 2 * (n_tracks + 1));
  for (guint i = 0; i < points->len; i++)
    {
      PqPoint *p = &g_array_index (points, PqPoint, i);
      LqCdTrack *t = p->track >= 1 && p->track <= 99 ? &self->disc->tracks[p->track - 1] : NULL;

      if (p->at < previous)
        {
          g_autofree char *at = lq_redbook_format_msf (p->at);
          g_autofree char *message = g_strdup_printf (_("PQ point track %02u index %02u at %s comes before the point listed ahead of it"),
                                                      p->track, p->index, at);

          structure_issue (self, LQ_CHECK_ERROR, p->track <= 99 ? p->track : 0, message);
        }
      previous = MAX (previous, p->at);
      if (p->track == 0)
        {
          if (p->upc != NULL && pq_upc == NULL)
            pq_upc = p->upc;
          continue;
        }
      if (p->track == 100)
        {
          if (leadout >= 0 && (guint64) leadout != p->at)
            structure_issue (self, LQ_CHECK_ERROR, 0, _("The PQ descriptor has two lead-out points at different times"));
          leadout = p->at;
          continue;
        }
      if (p->index == 0)
        {
          t->index0 = p->at;
          seen[2 * p->track] = TRUE;
        }
      else if (p->index == 1)
        {
          t->start = p->at;
          t->control = p->control;
          seen[2 * p->track + 1] = TRUE;
        }
      else if (p->index == t->n_indexes + 2)
        {
          t->indexes = g_renew (guint64, t->indexes, t->n_indexes + 1);
          t->indexes[t->n_indexes++] = p->at;
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Track %u’s index %02u in the PQ descriptor is out of sequence"),
                                                      p->track, p->index);

          structure_issue (self, LQ_CHECK_ERROR, p->track, message);
        }
      if (p->isrc != NULL && t->isrc == NULL)
        t->isrc = g_strdup (p->isrc);
    }

  for (guint i = 0; i < n_tracks; i++)
    {
      LqCdTrack *t = &self->disc->tracks[i];

      if (!seen[2 * (i + 1) + 1])
        {
          g_autofree char *message = seen[2 * (i + 1)]
            ? g_strdup_printf (_("Track %u has no index 01 in the PQ descriptor"), i + 1)
            : g_strdup_printf (_("Track %u is missing from the PQ descriptor"), i + 1);

          structure_issue (self, LQ_CHECK_ERROR, i + 1, message);
          t->start = t->index0;
        }
      if (!seen[2 * (i + 1)])
        t->index0 = t->start;
    }
  if (leadout < 0)
    {
      structure_issue (self, LQ_CHECK_ERROR, 0, _("The PQ descriptor has no lead-out point (track AA)"));
      leadout = self->image_sectors;
    }
  else if ((guint64) leadout != self->image_sectors)
    {
      g_autofree char *at = lq_redbook_format_msf (leadout);
      g_autofree char *message = g_strdup_printf (_("The PQ lead-out is at %s (sector %" G_GINT64_FORMAT "), but the audio stream has %" G_GUINT64_FORMAT " sectors"),
                                                  at, leadout, self->image_sectors);

      structure_issue (self, LQ_CHECK_ERROR, 0, message);
    }
  self->disc->length = (guint64) leadout;
  if (n_tracks > 0 && self->pregap >= 0 && (guint64) self->pregap != self->disc->tracks[0].start)
    {
      g_autofree char *message = g_strdup_printf (_("DDPMS gives track 1 a pre-gap of %" G_GINT64_FORMAT " sectors (PRE2), but the PQ descriptor starts it at sector %" G_GUINT64_FORMAT),
                                                  self->pregap, self->disc->tracks[0].start);

      structure_issue (self, LQ_CHECK_WARNING, 1, message);
    }
  if (pq_upc != NULL && ddpid_upc != NULL && strcmp (pq_upc, ddpid_upc) != 0)
    {
      g_autofree char *message = g_strdup_printf (_("The UPC/EAN in DDPID (%s) and in the PQ lead-in (%s) differ"),
                                                  ddpid_upc, pq_upc);

      structure_issue (self, LQ_CHECK_ERROR, 0, message);
    }
  self->disc->upc = g_strdup (pq_upc != NULL ? pq_upc : ddpid_upc);
  return TRUE;
}

static void
parse_cdtext (LqDdpReader *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;

  if (self->cdtext_name == NULL)
    return;
  if ((bytes = read_named (self, self->cdtext_name, &error)) == NULL)
    {
      structure_issue (self, LQ_CHECK_ERROR, 0, error->message);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (self->cdtext_length >= 0 && (gsize) self->cdtext_length != size)
    {
      g_autofree char *message = g_strdup_printf (_("The CD-Text file is %zu bytes long, but DDPMS says %" G_GINT64_FORMAT),
                                                  size, self->cdtext_length);

      structure_issue (self, LQ_CHECK_ERROR, 0, message);
    }
  self->disc->cdtext = lq_cdtext_decode (data, size, &error);
  if (self->disc->cdtext == NULL)
    structure_issue (self, LQ_CHECK_ERROR, 0, error->message);
}

static void
open_image (LqDdpReader *self)
{
  g_autofree char *path = find_file (self, self->image_name);
  GStatBuf st;

  if (path == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The audio image “%s” named in DDPMS is missing"), self->image_name);

      structure_issue (self, LQ_CHECK_ERROR, 0, message);
      return;
    }
  self->image_fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->image_fd < 0 || fstat (self->image_fd, &st) != 0)
    {
      g_autofree char *message = g_strdup_printf (_("The audio image “%s” cannot be read: %s"),
                                                  self->image_name, g_strerror (errno));

      structure_issue (self, LQ_CHECK_ERROR, 0, message);
      return;
    }
  self->image_size = st.st_size;
  if (self->image_size != self->image_sectors * LQ_CD_FRAME_BYTES)
    {
      g_autofree char *message = g_strdup_printf (_("The audio image “%s” is %" G_GUINT64_FORMAT " bytes long, but DDPMS says %" G_GUINT64_FORMAT " sectors (%" G_GUINT64_FORMAT " bytes)"),
                                                  self->image_name, self->image_size, self->image_sectors,
                                                  self->image_sectors * LQ_CD_FRAME_BYTES);

      structure_issue (self, LQ_CHECK_ERROR, 0, message);
    }
}

/**
 * lq_ddp_reader_open:
 * @folder: a DDP fileset's folder
 *
 * Reads the descriptors. Problems that still let the disc be described (sizes that do not
 * agree, a damaged CD-Text, a missing image) are kept and reported by
 * lq_ddp_reader_verify(); problems that do not (no DDPID, malformed records) fail here.
 *
 * Returns: (transfer full) (nullable): the reader, or %NULL with @error set
 */
LqDdpReader *
lq_ddp_reader_open (GFile   *folder,
                    GError **error)
{
  g_autoptr(LqDdpReader) self = NULL;
  g_autofree char *ddpid_upc = NULL;
  const char *path;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  path = g_file_peek_path (folder);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *name = g_file_get_parse_name (folder);

      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_NOT_DDP, _("“%s” is not a local folder"), name);
      return NULL;
    }
  self = g_new0 (LqDdpReader, 1);
  self->path = g_strdup (path);
  self->image_fd = -1;
  self->pregap = self->pq_length = self->cdtext_length = -1;
  self->issues = lq_redbook_issues_new ();
  self->disc = lq_cd_disc_new (0);
  if (!list_folder (self, error) || !parse_ddpid (self, error))
    return NULL;
  ddpid_upc = g_steal_pointer (&self->disc->upc);
  g_clear_pointer (&self->disc, lq_cd_disc_free);
  if (!parse_ddpms (self, error)
      || !parse_pq (self, ddpid_upc, error))
    return NULL;
  parse_cdtext (self);
  open_image (self);
  if (self->disc->cdtext != NULL && lq_cdtext_get (self->disc->cdtext, 0, LQ_CDTEXT_TITLE) != NULL)
    self->disc->title = g_strdup (lq_cdtext_get (self->disc->cdtext, 0, LQ_CDTEXT_TITLE));
  else if (*self->master_id)
    self->disc->title = g_strdup (self->master_id);
  return g_steal_pointer (&self);
}

void
lq_ddp_reader_free (LqDdpReader *self)
{
  if (self == NULL)
    return;
  if (self->image_fd >= 0)
    close (self->image_fd);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->disc, lq_cd_disc_free);
  g_clear_pointer (&self->issues, g_ptr_array_unref);
  g_free (self->path);
  g_free (self->level);
  g_free (self->master_id);
  g_free (self->image_name);
  g_free (self->pq_name);
  g_free (self->cdtext_name);
  g_free (self);
}

const LqCdDisc *
lq_ddp_reader_get_disc (LqDdpReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->disc;
}

const char *
lq_ddp_reader_get_level (LqDdpReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->level;
}

const char *
lq_ddp_reader_get_master_id (LqDdpReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->master_id;
}

const char *
lq_ddp_reader_get_image_name (LqDdpReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->image_name;
}

/**
 * lq_ddp_reader_read_image:
 * @frame: the first stereo frame (588 to a sector) to read
 *
 * Returns: frames read (fewer at the end of the image, 0 past it), -1 on error
 */
gssize
lq_ddp_reader_read_image (LqDdpReader  *self,
                          guint64       frame,
                          gint16       *interleaved,
                          gsize         n_frames,
                          GError      **error)
{
  guint64 available;
  gsize want, done = 0;
  guint8 *bytes;

  g_return_val_if_fail (self != NULL, -1);

  if (self->image_fd < 0)
    {
      g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                   _("The audio image “%s” cannot be read"), self->image_name);
      return -1;
    }
  available = self->image_size / 4;
  if (frame >= available)
    return 0;
  want = MIN ((guint64) n_frames, available - frame);
  bytes = (guint8 *) interleaved;
  while (done < want * 4)
    {
      gssize n = pread (self->image_fd, bytes + done, want * 4 - done, (off_t) (frame * 4 + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (n < 0 ? errno : EIO),
                       _("Cannot read the audio image “%s”: %s"), self->image_name,
                       g_strerror (n < 0 ? errno : EIO));
          return -1;
        }
      done += n;
    }
  for (gsize i = 0; i < want * 2; i++)
    interleaved[i] = (gint16) (guint16) (bytes[2 * i] | bytes[2 * i + 1] << 8);
  return want;
}

/* The MD5 (hex) of a file, NULL with @error set when it cannot be read. */
static char *
md5_file (const char    *path,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
      return NULL;
    }
  for (;;)
    {
      gssize n = read (fd, buffer, 1 << 20);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (md5, buffer, n);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return NULL;
        }
    }
  close (fd);
  return g_strdup (g_checksum_get_string (md5));
}

/* Splits an md5sum ("<md5> *name" or "<md5>  name") or BSD ("MD5 (name) = <md5>") line. */
static gboolean
parse_checksum_line (const char  *line,
                     char       **md5,
                     char       **name)
{
  gsize len = strlen (line);

  if (len > 34 && (line[32] == ' ') && (line[33] == ' ' || line[33] == '*'))
    {
      for (guint i = 0; i < 32; i++)
        if (!g_ascii_isxdigit (line[i]))
          return FALSE;
      *md5 = g_ascii_strdown (line, 32);
      *name = g_strdup (line + 34);
      return TRUE;
    }
  if (g_str_has_prefix (line, "MD5 (") && len > 5 + 4 + 32)
    {
      const char *end = line + len - 32;

      if (strncmp (end - 4, ") = ", 4) != 0)
        return FALSE;
      for (guint i = 0; i < 32; i++)
        if (!g_ascii_isxdigit (end[i]))
          return FALSE;
      *md5 = g_ascii_strdown (end, 32);
      *name = g_strndup (line + 5, end - 4 - (line + 5));
      return TRUE;
    }
  return FALSE;
}

static char *
find_checksum_file (LqDdpReader *self)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autofree char *best = NULL;

  if (g_hash_table_contains (self->names, "checksum.md5"))
    return find_file (self, "checksum.md5");
  g_hash_table_iter_init (&iter, self->names);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_suffix (key, ".md5") && (best == NULL || strcmp (value, best) < 0))
      {
        g_free (best);
        best = g_strdup (value);
      }
  return best != NULL ? g_build_filename (self->path, best, NULL) : NULL;
}

static gboolean
verify_checksums (LqDdpReader   *self,
                  GPtrArray     *issues,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *path = find_checksum_file (self);
  g_autofree char *list_name = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *required[] = { "DDPID", "DDPMS", self->image_name, self->pq_name, self->cdtext_name };
  g_autoptr(GError) local_error = NULL;

  if (path == NULL)
    {
      lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_CHECKSUM, 0,
                             _("The fileset has no checksum file (such as CHECKSUM.MD5): the plant cannot check that it arrived intact"));
      return TRUE;
    }
  list_name = g_path_get_basename (path);
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_CHECKSUM, 0, "%s", local_error->message);
      return TRUE;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *md5 = NULL;
      g_autofree char *name = NULL;
      g_autofree char *file = NULL;
      g_autofree char *actual = NULL;
      char *line = g_strchomp (lines[i]);

      if (*line == '\0' || *line == '#' || *line == ';')
        continue;
      if (!parse_checksum_line (line, &md5, &name))
        {
          lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_CHECKSUM, 0,
                                 _("%s line %u is not an MD5 checksum line: “%s”"), list_name, i + 1, line);
          continue;
        }
      g_hash_table_add (listed, g_ascii_strdown (name, -1));
      file = find_file (self, name);
      if (file == NULL)
        {
          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_CHECKSUM, 0,
                                 _("%s lists “%s”, which is not in the folder"), list_name, name);
          continue;
        }
      actual = md5_file (file, cancellable, &local_error);
      if (actual == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_CHECKSUM, 0,
                                 _("“%s” cannot be read: %s"), name, local_error->message);
          g_clear_error (&local_error);
          continue;
        }
      if (strcmp (actual, md5) != 0)
        lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_CHECKSUM, 0,
                               _("“%s” has the MD5 %s, but %s says %s: the file changed or was damaged in transfer"),
                               name, actual, list_name, md5);
    }
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autofree char *lower = required[i] != NULL ? g_ascii_strdown (required[i], -1) : NULL;

      if (lower != NULL && !g_hash_table_contains (listed, lower))
        lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_CHECKSUM, 0,
                               _("%s has no checksum for “%s”"), list_name, required[i]);
    }
  return TRUE;
}

static void
verify_pregap_silence (LqDdpReader *self,
                       GPtrArray   *issues)
{
  g_autofree gint16 *samples = g_new (gint16, BLOCK_FRAMES * 2);
  guint64 end, at = 0;

  if (self->disc->n_tracks == 0 || self->image_fd < 0)
    return;
  end = self->disc->tracks[0].start * LQ_CD_FRAME_SAMPLES;
  while (at < end)
    {
      gssize n = lq_ddp_reader_read_image (self, at, samples, MIN ((guint64) BLOCK_FRAMES, end - at), NULL);

      if (n <= 0)
        return;
      for (gssize i = 0; i < n * 2; i++)
        if (samples[i] != 0)
          {
            lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_PREGAP, 1,
                                   _("Track 1’s pre-gap is not digital silence (sound at sample %" G_GUINT64_FORMAT "); some players will play it, most will skip it"),
                                   at + i / 2);
            return;
          }
      at += n;
    }
}

/**
 * lq_ddp_reader_verify:
 * @limits: (nullable): disc length limits, %NULL for the defaults
 * @issues: receives the findings: structure (what opening found), checksums, Red Book rules,
 *   and whether track 1's pre-gap is digital silence
 *
 * Returns: %FALSE only when cancelled; the findings are in @issues
 */
gboolean
lq_ddp_reader_verify (LqDdpReader            *self,
                      const LqRedbookLimits  *limits,
                      GPtrArray              *issues,
                      GCancellable           *cancellable,
                      GError                **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (issues != NULL, FALSE);

  for (guint i = 0; i < self->issues->len; i++)
    {
      LqRedbookIssue *issue = self->issues->pdata[i];

      lq_redbook_issues_add (issues, issue->severity, issue->rule, issue->track, "%s", issue->message);
    }
  if (!verify_checksums (self, issues, cancellable, error))
    return FALSE;
  verify_pregap_silence (self, issues);
  lq_redbook_check_disc (self->disc, limits, issues);
  return TRUE;
}

static char *
track_file_name (const LqCdDisc *disc,
                 guint           number)
{
  const char *title = disc->cdtext != NULL ? lq_cdtext_get (disc->cdtext, number, LQ_CDTEXT_TITLE) : NULL;
  g_autofree char *clean = NULL;

  if (title == NULL)
    return g_strdup_printf ("%02u.wav", number);
  clean = g_strdup (title);
  g_strdelimit (clean, "/\\:*?\"<>|", '_');
  for (char *p = clean; *p; p++)
    if ((guchar) *p < 0x20)
      *p = '_';
  return g_strdup_printf ("%02u - %s.wav", number, clean);
}

/**
 * lq_ddp_reader_decode_tracks:
 * @folder: a folder to make (it must not exist, or be empty, unless @overwrite)
 *
 * Writes every track as a 16-bit 44.1 kHz WAV file, "NN - Title.wav": from its index 01 to
 * the next track's index 01 (the pause before a track stays with the track before it, as a
 * CD player plays it), the last to the lead-out. Track 1's pre-gap is left out. The files
 * together are the image from track 1's index 01 on, sample for sample.
 */
gboolean
lq_ddp_reader_decode_tracks (LqDdpReader   *self,
                             GFile         *folder,
                             gboolean       overwrite,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(LqOutputFolder) out = NULL;
  g_autofree gint16 *samples = g_new (gint16, BLOCK_FRAMES * 2);
  g_autofree gint32 *codes = g_new (gint32, BLOCK_FRAMES * 2);
  const LqCdDisc *disc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  disc = self->disc;
  out = lq_output_folder_new (folder, overwrite, error);
  if (out == NULL)
    return FALSE;
  for (guint i = 0; i < disc->n_tracks; i++)
    {
      const LqCdTrack *t = &disc->tracks[i];
      guint64 from = t->start * LQ_CD_FRAME_SAMPLES;
      guint64 to = (i + 1 < disc->n_tracks ? disc->tracks[i + 1].start : disc->length) * LQ_CD_FRAME_SAMPLES;
      g_autofree char *name = track_file_name (disc, t->number);
      g_autofree char *path = g_build_filename (lq_output_folder_get_path (out), name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(LqWavWriter) writer = NULL;

      if (to <= from)
        continue;
      writer = lq_wav_writer_new (file, 2, LQ_CD_RATE, LQ_WAV_PCM16, to - from, cancellable, error);
      if (writer == NULL)
        return FALSE;
      while (from < to)
        {
          gssize n = lq_ddp_reader_read_image (self, from, samples, MIN ((guint64) BLOCK_FRAMES, to - from), error);

          if (n < 0)
            return FALSE;
          if (n == 0)
            {
              g_set_error (error, LQ_DDP_ERROR, LQ_DDP_ERROR_INVALID,
                           _("The audio image “%s” ends before track %u does"), self->image_name, t->number);
              return FALSE;
            }
          for (gssize k = 0; k < n * 2; k++)
            codes[k] = samples[k];
          if (!lq_wav_writer_write_pcm (writer, codes, n, cancellable, error))
            return FALSE;
          from += n;
        }
      if (!lq_wav_writer_commit (writer, cancellable, error))
        return FALSE;
    }
  return lq_output_folder_commit (out, error);
}

/**
 * lq_ddp_reader_null_test:
 * @scratch_dir: room for the resampled album when the project is not at 44.1 kHz
 * @result: (out caller-allocates): the comparison
 *
 * Renders the project's CD audio (see #LqCdRender: the same 16-bit render the exporters
 * write) and compares it with the image sample by sample.
 *
 * Returns: %FALSE on error (the project cannot be rendered, the image cannot be read,
 *   cancelled); whether they are equal is in @result
 */
gboolean
lq_ddp_reader_null_test (LqDdpReader    *self,
                         LqProject      *project,
                         GFile          *scratch_dir,
                         LqDdpNullTest  *result,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(LqCdRender) render = NULL;
  g_autofree gint16 *image = g_new (gint16, BLOCK_FRAMES * 2);
  g_autofree gint16 *audio = g_new (gint16, BLOCK_FRAMES * 2);
  guint64 at = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->first_difference = G_MAXUINT64;
  render = lq_cd_render_new (project, scratch_dir, cancellable, NULL, NULL, error);
  if (render == NULL)
    return FALSE;
  result->image_frames = self->image_size / 4;
  result->render_frames = lq_cd_render_get_frames (render);
  result->compared_frames = MIN (result->image_frames, result->render_frames);
  while (at < result->compared_frames)
    {
      gsize want = MIN ((guint64) BLOCK_FRAMES, result->compared_frames - at);
      gssize a = lq_cd_render_read (render, audio, want, cancellable, error);
      gssize b;

      if (a < 0)
        return FALSE;
      b = lq_ddp_reader_read_image (self, at, image, a, error);
      if (b < 0)
        return FALSE;
      g_assert (a == b);
      for (gssize i = 0; i < a * 2; i++)
        if (audio[i] != image[i])
          {
            guint diff = (guint) abs ((int) audio[i] - (int) image[i]);

            result->differing_samples++;
            result->max_difference = MAX (result->max_difference, diff);
            if (result->first_difference == G_MAXUINT64)
              result->first_difference = at + i / 2;
          }
      at += a;
    }
  return TRUE;
}
