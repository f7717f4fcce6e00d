/* SPDX-License-Identifier: MIT */
/* Unit tests for the secret scrubber (collector/scrub/scrub.c).
 *
 * Inputs are written the way QEMU, libvirt and its logs really print them.
 * Every positive and negative case goes through scrub_check(), which also feeds
 * the input split at every byte boundary and in chunks of 1, 2, 3, 7, 64
 * bytes: a secret must be scrubbed the same however writes cut it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scrub_harness.h"

/* ---- -object secret, comma form ------------------------------------------ */

static void test_object_secret_data(void **state)
{
	(void)state;
	scrub_check("-object secret,id=sec0,data=c2VjcmV0,format=base64\n",
	      "-object secret,id=sec0,data=" M ",format=base64\n", 1);
}

static void test_object_secret_libvirt_aes(void **state)
{
	(void)state;
	/* libvirt's form: AES-encrypted with masterKey0; keyid and iv stay */
	scrub_check("-object secret,id=libvirt-2-storage-auth-secret0,"
	      "data=xg5nS4bB3ssWAAC3XV9J1g==,keyid=masterKey0,"
	      "iv=W9Ds/LW8QjXbnAhQ5lpd0w==,format=base64\n",
	      "-object secret,id=libvirt-2-storage-auth-secret0,"
	      "data=" M ",keyid=masterKey0,"
	      "iv=W9Ds/LW8QjXbnAhQ5lpd0w==,format=base64\n", 1);
}

static void test_object_qom_type_secret(void **state)
{
	(void)state;
	scrub_check("-object qom-type=secret,id=sec0,data=letmein,format=raw\n",
	      "-object qom-type=secret,id=sec0,data=" M ",format=raw\n", 1);
	scrub_check("-object id=sec0,qom-type=secret,data=letmein\n",
	      "-object id=sec0,qom-type=secret,data=" M "\n", 1);
}

static void test_object_secret_escaped_comma(void **state)
{
	(void)state;
	/* ",," is QEMU's escaped comma: part of the value */
	scrub_check("-object secret,id=sec0,data=ab,,cd,,,,ef,format=raw\n",
	      "-object secret,id=sec0,data=" M ",format=raw\n", 1);
}

static void test_data_outside_secret_kept(void **state)
{
	(void)state;
	scrub_unchanged("-object memory-backend-ram,id=pc.ram,size=4G,data=1\n");
	scrub_unchanged("-fw_cfg name=opt/com.example/data,string=data=1\n");
	scrub_unchanged("-object secret,id=masterKey0,format=raw,"
		  "file=/var/lib/libvirt/qemu/domain-1-vm1/master-key.aes\n");
}

/* ---- JSON ---------------------------------------------------------------- */

static void test_json_object_secret(void **state)
{
	(void)state;
	scrub_check("-object '{\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"s3cr3t\","
	      "\"format\":\"raw\"}'\n",
	      "-object '{\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"" M "\","
	      "\"format\":\"raw\"}'\n", 1);
}

static void test_json_escaped_quotes(void **state)
{
	(void)state;
	scrub_check("{\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"s3\\\"cr\\\\3t\\\"\","
	      "\"format\":\"raw\"}\n",
	      "{\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"" M "\","
	      "\"format\":\"raw\"}\n", 1);
	/* a value ending in an escaped backslash ends at the next quote */
	scrub_check("{\"password\":\"a\\\\\",\"id\":\"x\"}\n",
	      "{\"password\":\"" M "\",\"id\":\"x\"}\n", 1);
}

static void test_json_all_keys(void **state)
{
	(void)state;
	scrub_check("{\"password\":\"p1\",\"passwd\":\"p2\",\"key\":\"p3\",\"secret\":\"p4\","
	      "\"token\":\"p5\",\"password-secret\":\"sec0\",\"key-secret\":\"sec1\","
	      "\"passwordid\":\"sec2\"}\n",
	      "{\"password\":\"" M "\",\"passwd\":\"" M "\",\"key\":\"" M "\","
	      "\"secret\":\"" M "\",\"token\":\"" M "\",\"password-secret\":\"sec0"
	      "\",\"key-secret\":\"sec1\",\"passwordid\":\"sec2\"}\n", 5);
}

static void test_json_spacing_and_non_strings(void **state)
{
	(void)state;
	/* pretty-printed, one member a line */
	scrub_check("{\n  \"qom-type\": \"secret\",\n  \"data\" :  \"s3cr3t\"\n}\n",
	      "{\n  \"qom-type\": \"secret\",\n  \"data\" :  \"" M "\"\n}\n", 1);
	/* QMP events carry "data": {...}; only string values are secrets */
	scrub_unchanged("{\"timestamp\": {\"seconds\": 1714557600, \"microseconds\": 1},"
		  " \"event\": \"SPICE_CONNECTED\", \"data\": {\"server\": "
		  "{\"port\": \"5900\"}}}\n");
	/* null and booleans are no secret; a number may be a PIN */
	scrub_check("{\"password\": null, \"key\": 12, \"token\": true}\n",
		    "{\"password\": null, \"key\": " M ", \"token\": true}\n", 1);
	/* empty string: nothing to hide, nothing counted */
	scrub_unchanged("{\"password\":\"\"}\n");
}

static void test_json_qmp_in_libvirt_log(void **state)
{
	(void)state;
	scrub_check("2024-05-01 10:00:02.123+0000: 4711: info : qemuMonitorIOWrite:431 : "
	      "QEMU_MONITOR_IO_WRITE: mon=0x7f3c2c0a1b20 buf={\"execute\":"
	      "\"set_password\",\"arguments\":{\"protocol\":\"vnc\",\"password\":"
	      "\"topsecret\",\"connected\":\"keep\"},\"id\":\"libvirt-12\"}\r\n"
	      " len=118 ret=118 errno=0\n",
	      "2024-05-01 10:00:02.123+0000: 4711: info : qemuMonitorIOWrite:431 : "
	      "QEMU_MONITOR_IO_WRITE: mon=0x7f3c2c0a1b20 buf={\"execute\":"
	      "\"set_password\",\"arguments\":{\"protocol\":\"vnc\",\"password\":"
	      "\"" M "\",\"connected\":\"keep\"},\"id\":\"libvirt-12\"}\r\n"
	      " len=118 ret=118 errno=0\n", 1);
}

static void test_json_blockdev_key_secret_kept(void **state)
{
	(void)state;
	/* key-secret names the secret object holding the key: an id, kept */
	scrub_unchanged("-blockdev '{\"driver\":\"rbd\",\"pool\":\"rbd\",\"image\":\"vm1-disk\","
			"\"server\":[{\"host\":\"10.0.0.1\",\"port\":\"6789\"}],\"user\":\"libvirt\","
			"\"auth-client-required\":[\"cephx\",\"none\"],"
			"\"key-secret\":\"libvirt-2-storage-auth-secret0\","
			"\"node-name\":\"libvirt-2-storage\"}' \\\n");
}

static void test_json_escaped_in_json_string(void **state)
{
	(void)state;
	/* JSON carried inside a JSON string (journal export, QMP arguments) */
	scrub_check("{\"MESSAGE\":\"object-add {\\\"qom-type\\\":\\\"secret\\\","
	      "\\\"data\\\":\\\"s3\\\\\\\"cr3t\\\",\\\"format\\\":\\\"raw\\\"}\"}\n",
	      "{\"MESSAGE\":\"object-add {\\\"qom-type\\\":\\\"secret\\\","
	      "\\\"data\\\":\\\"" M "\\\",\\\"format\\\":\\\"raw\\\"}\"}\n", 1);
}

static void test_json_master_key_kept(void **state)
{
	(void)state;
	scrub_unchanged("-object '{\"qom-type\":\"secret\",\"id\":\"masterKey0\","
		  "\"format\":\"raw\",\"file\":\"/var/lib/libvirt/qemu/domain-1-vm1/"
		  "master-key.aes\"}' \\\n");
	scrub_unchanged("{\"keyid\":\"masterKey0\",\"iv\":\"W9Ds/LW8QjXbnAhQ5lpd0w==\"}\n");
}

/* ---- VNC / SPICE --------------------------------------------------------- */

static void test_spice_password(void **state)
{
	(void)state;
	scrub_check("-spice port=5900,addr=127.0.0.1,password=hunter2,seamless-migration=on\n",
	      "-spice port=5900,addr=127.0.0.1,password=" M ",seamless-migration=on\n",
	      1);
	scrub_check("-spice port=5900,passwd=hunter2\n", "-spice port=5900,passwd=" M "\n", 1);
	/* ",," keeps the comma inside the password */
	scrub_check("-spice port=5900,password=hun,,ter2,addr=0.0.0.0\n",
	      "-spice port=5900,password=" M ",addr=0.0.0.0\n", 1);
}

static void test_vnc_password_flag_kept(void **state)
{
	(void)state;
	scrub_unchanged("-vnc :1,password=on\n");
	scrub_unchanged("-vnc 127.0.0.1:0,password=off,lossy=on\n");
	scrub_unchanged("-vnc :1,password=yes -vnc :2,password=no "
		  "-vnc :3,password=true -vnc :4,password=FALSE\n");
	scrub_check("-vnc :1,password=onion\n", "-vnc :1,password=" M "\n", 1);
	scrub_check("-vnc :1,password=o\n", "-vnc :1,password=" M "\n", 1);
}

static void test_secret_ids_kept(void **state)
{
	(void)state;
	/* *-secret, passwordid and keyid name a secret object: ids, kept */
	scrub_unchanged("-spice port=5901,password-secret=sec0\n");
	scrub_unchanged("-vnc :1,password-secret=vnc-sec0,tls-creds=tls0\n");
	scrub_unchanged("-drive driver=iscsi,transport=tcp,portal=10.0.0.2,"
			"target=iqn.2016-04.com.example:storage,lun=1,user=bob,"
			"password-secret=sec1,if=none\n");
	scrub_unchanged("-drive file=/var/lib/libvirt/images/enc.qcow2,"
			"encrypt.format=luks,encrypt.key-secret=sec2,if=none\n");
	scrub_unchanged("-object tls-creds-x509,id=tls0,dir=/etc/pki/qemu,endpoint=client,"
			"passwordid=sec3\n");
	scrub_unchanged("-drive driver=http,url=https://h/x,cookie-secret=c0,"
			"proxy-password-secret=p0\n");
}

/* ---- rbd ----------------------------------------------------------------- */

static void test_rbd_key(void **state)
{
	(void)state;
	scrub_check("-drive file=rbd:pool/img:id=admin:"
	      "key=AQBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==:auth_supported=cephx:"
	      "mon_host=1.2.3.4,format=raw\n",
	      "-drive file=rbd:pool/img:id=admin:key=" M ":auth_supported=cephx:"
	      "mon_host=1.2.3.4,format=raw\n", 1);
	/* key last in the filename: ends at ',' */
	scrub_check("-drive file=rbd:pool/img:id=admin:key=AQB/+9==,format=raw,if=none\n",
	      "-drive file=rbd:pool/img:id=admin:key=" M ",format=raw,if=none\n", 1);
	/* "\:" is rbd's escaped colon: inside the key */
	scrub_check("-drive file=rbd:pool/img:key=AQB\\:x==:mon_host=10.0.0.1\\:6789\n",
	      "-drive file=rbd:pool/img:key=" M ":mon_host=10.0.0.1\\:6789\n", 1);
	/* a keyring is a path, kept */
	scrub_unchanged("-drive file=rbd:pool/img:id=admin:keyring=/etc/ceph/keyring:"
		  "conf=/etc/ceph/ceph.conf,format=raw\n");
}

static void test_rbd_key_in_json_filename(void **state)
{
	(void)state;
	scrub_check("-drive 'file=json:{\"file\":{\"driver\":\"rbd\",\"filename\":"
	      "\"rbd:pool/img:id=admin:key=AQB==\"}}'\n",
	      "-drive 'file=json:{\"file\":{\"driver\":\"rbd\",\"filename\":"
	      "\"rbd:pool/img:id=admin:key=" M "\"}}'\n", 1);
}

/* ---- iSCSI and URLs ------------------------------------------------------ */

static void test_iscsi_option(void **state)
{
	(void)state;
	scrub_check("-iscsi user=bob,password=pw1,"
	      "initiator-name=iqn.2008-11.org.linux-kvm:vm1,header-digest=none\n",
	      "-iscsi user=bob,password=" M ","
	      "initiator-name=iqn.2008-11.org.linux-kvm:vm1,header-digest=none\n", 1);
}

static void test_iscsi_url(void **state)
{
	(void)state;
	scrub_check("-drive file=iscsi://bob%pw1@10.0.0.2/iqn.2016-04.com.example:storage/0,"
	      "if=none\n",
	      "-drive file=iscsi://bob%" M "@10.0.0.2/iqn.2016-04.com.example:storage/0,"
	      "if=none\n", 1);
	scrub_check("-drive file=iscsi://bob:pw1@10.0.0.2:3260/iqn.2016-04.com.example:"
	      "storage/1,format=raw\n",
	      "-drive file=iscsi://bob:" M "@10.0.0.2:3260/iqn.2016-04.com.example:"
	      "storage/1,format=raw\n", 1);
}

static void test_generic_url(void **state)
{
	(void)state;
	scrub_check("-drive file=https://alice:p%40ss@images.example.com/vm1.qcow2,"
	      "format=qcow2,readonly=on\n",
	      "-drive file=https://alice:" M "@images.example.com/vm1.qcow2,"
	      "format=qcow2,readonly=on\n", 1);
	/* '@' in the password itself: the last '@' ends the userinfo */
	scrub_check("url=ssh://root:a@b@host:22/disk.img\n", "url=ssh://root:" M "@host:22/disk.img\n", 1);
	scrub_unchanged("-drive file=iscsi://bob@10.0.0.2/iqn.2016-04.com.example:storage/0\n");
	scrub_unchanged("-drive file=nbd://10.0.0.3:10809/export,format=raw\n");
	scrub_unchanged("see https://libvirt.org/formatdomain.html or mail a@b.org\n");
	scrub_unchanged("http://example.com/path@v2\n");
}

/* ---- XML ----------------------------------------------------------------- */

static void test_xml_passwd_attr(void **state)
{
	(void)state;
	scrub_check("    <graphics type='vnc' port='5900' autoport='no' passwd='topsecret'/>\n",
	      "    <graphics type='vnc' port='5900' autoport='no' passwd='" M "'/>\n", 1);
	scrub_check("<graphics type=\"spice\" autoport=\"yes\" passwd=\"top 'secret\"/>\n",
	      "<graphics type=\"spice\" autoport=\"yes\" passwd=\"" M "\"/>\n", 1);
	scrub_check("<graphics type='vnc' password='x y z'>\n",
	      "<graphics type='vnc' password='" M "'>\n", 1);
	/* on/off is a switch in every syntax, quoted or not */
	scrub_unchanged("<graphics type='vnc' passwd='on'/>\n");
	/* passwdValidTo: the name says passwd; hiding a date is the safe mistake */
	scrub_check("<graphics type='spice' autoport='yes' "
		    "passwdValidTo='2024-06-01T00:00:00' connected='keep'/>\n",
		    "<graphics type='spice' autoport='yes' "
		    "passwdValidTo='" M "' connected='keep'/>\n", 1);
	scrub_unchanged("<graphics type='vnc' passwd=''/>\n");
}

static void test_xml_secret_element(void **state)
{
	(void)state;
	scrub_check("<secret type='passphrase'>letmein</secret>\n",
	      "<secret type='passphrase'>" M "</secret>\n", 1);
	scrub_check("<secret>\n  c2VjcmV0LXZhbHVl\n  bW9yZQ==\n</secret>\n<name>x</name>\n",
	      "<secret>\n  " M "\n  \n</secret>\n<name>x</name>\n", 1);
	/* start tag over several lines */
	scrub_check("<secret ephemeral='no'\n        private='yes'>  hunter2  </secret>\n",
	      "<secret ephemeral='no'\n        private='yes'>  " M "  </secret>\n", 1);
	/* two elements, one count each */
	scrub_check("<auth><secret>a</secret><secret>b</secret></auth>\n",
	      "<auth><secret>" M "</secret><secret>" M "</secret></auth>\n", 2);
}

static void test_xml_secret_refs_kept(void **state)
{
	(void)state;
	scrub_unchanged("<disk type='network' device='disk'>\n"
		  "  <source protocol='rbd' name='pool/img'>\n"
		  "    <host name='10.0.0.1' port='6789'/>\n"
		  "  </source>\n"
		  "  <auth username='libvirt'>\n"
		  "    <secret type='ceph' uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/>\n"
		  "  </auth>\n"
		  "</disk>\n");
	/* a libvirt secret definition holds metadata, never the value */
	scrub_unchanged("<secret ephemeral='no' private='yes'>\n"
		  "  <description>ceph client.libvirt</description>\n"
		  "  <uuid>2ec115d7-3a88-3ceb-bc12-0ac909a6fd87</uuid>\n"
		  "  <usage type='ceph'>\n"
		  "    <name>client.libvirt secret</name>\n"
		  "  </usage>\n"
		  "</secret>\n"
		  "after\n");
	scrub_unchanged("error : virSecretDefParseXML:142 : XML error: missing <secret> "
		  "element\nnext line stays\n");
}

/* ---- libvirt logs -------------------------------------------------------- */

static const char log_one_line[] =
	"2024-05-01 10:00:00.000+0000: starting up libvirt version: 9.0.0, "
	"package: 9.0.0-4 (Debian), qemu version: 7.2.0Debian 1:7.2+dfsg-7, "
	"kernel: 6.1.0-18-amd64, hostname: host1\n"
	"LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin "
	"HOME=/var/lib/libvirt/qemu/domain-1-vm1 /usr/bin/qemu-system-x86_64 "
	"-name guest=vm1,debug-threads=on -S "
	"-object '{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\","
	"\"file\":\"/var/lib/libvirt/qemu/domain-1-vm1/master-key.aes\"}' "
	"-machine pc-q35-7.2,usb=off,dump-guest-core=off -accel kvm "
	"-cpu host,vmx=on,migratable=on -m 4096 "
	"-object secret,id=sec0,data=c2VjcmV0,format=base64 "
	"-drive file=rbd:pool/img:id=admin:key=AQBxxxx==:auth_supported=cephx:"
	"mon_host=1.2.3.4,format=raw,if=none,id=drive0 "
	"-drive file=/var/lib/libvirt/images/a.qcow2,format=qcow2,if=none,id=drive1 "
	"-spice port=5900,addr=127.0.0.1,password=hunter2 "
	"-vnc :1,password=on "
	"-iscsi 'user=bob,password=pw 1,initiator-name=iqn.2008-11.org.linux-kvm' "
	"-msg timestamp=on\n";

static const char log_one_line_exp[] =
	"2024-05-01 10:00:00.000+0000: starting up libvirt version: 9.0.0, "
	"package: 9.0.0-4 (Debian), qemu version: 7.2.0Debian 1:7.2+dfsg-7, "
	"kernel: 6.1.0-18-amd64, hostname: host1\n"
	"LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin "
	"HOME=/var/lib/libvirt/qemu/domain-1-vm1 /usr/bin/qemu-system-x86_64 "
	"-name guest=vm1,debug-threads=on -S "
	"-object '{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\","
	"\"file\":\"/var/lib/libvirt/qemu/domain-1-vm1/master-key.aes\"}' "
	"-machine pc-q35-7.2,usb=off,dump-guest-core=off -accel kvm "
	"-cpu host,vmx=on,migratable=on -m 4096 "
	"-object secret,id=sec0,data=" M ",format=base64 "
	"-drive file=rbd:pool/img:id=admin:key=" M ":auth_supported=cephx:"
	"mon_host=1.2.3.4,format=raw,if=none,id=drive0 "
	"-drive file=/var/lib/libvirt/images/a.qcow2,format=qcow2,if=none,id=drive1 "
	"-spice port=5900,addr=127.0.0.1,password=" M " "
	"-vnc :1,password=on "
	"-iscsi 'user=bob,password=" M ",initiator-name=iqn.2008-11.org.linux-kvm' "
	"-msg timestamp=on\n";

static void test_libvirt_log_one_line(void **state)
{
	(void)state;
	scrub_check(log_one_line, log_one_line_exp, 4);
}

static void test_libvirt_log_continuations(void **state)
{
	(void)state;
	scrub_check("LC_ALL=C \\\n"
	      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \\\n"
	      "/usr/bin/qemu-system-x86_64 \\\n"
	      "-name guest=vm1,debug-threads=on \\\n"
	      "-object '{\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"s3cr3t\","
	      "\"format\":\"raw\"}' \\\n"
	      "-spice port=5900,password=hunter2 \\\n"
	      "-spice 'port=5901,password=it'\\''s a secret,addr=::1' \\\n"
	      "-drive file=iscsi://bob:pw1@host/iqn.2016-04.com.example:t/0 \\\n"
	      "-msg timestamp=on\n",
	      "LC_ALL=C \\\n"
	      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \\\n"
	      "/usr/bin/qemu-system-x86_64 \\\n"
	      "-name guest=vm1,debug-threads=on \\\n"
	      "-object '{\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"" M "\","
	      "\"format\":\"raw\"}' \\\n"
	      "-spice port=5900,password=" M " \\\n"
	      "-spice 'port=5901,password=" M ",addr=::1' \\\n"
	      "-drive file=iscsi://bob:" M "@host/iqn.2016-04.com.example:t/0 \\\n"
	      "-msg timestamp=on\n", 4);
}

static void test_qemu_arg_in_domain_xml(void **state)
{
	(void)state;
	scrub_check("  <qemu:commandline>\n"
	      "    <qemu:arg value='-spice'/>\n"
	      "    <qemu:arg value='port=5930,password=hun ter2'/>\n"
	      "  </qemu:commandline>\n",
	      "  <qemu:commandline>\n"
	      "    <qemu:arg value='-spice'/>\n"
	      "    <qemu:arg value='port=5930,password=" M "'/>\n"
	      "  </qemu:commandline>\n", 1);
}

/* ---- issue 19: the syntaxes that leaked ---------------------------------- */

static void test_json_dialect_forms(void **state)
{
	(void)state;
	/* single-quoted strings, \u-escaped names, blanks and tabs anywhere */
	scrub_check("-object {'qom-type':'secret','id':'s0','data':'c2VjcmV0'}\n",
		    "-object {'qom-type':'secret','id':'s0','data':'" M "'}\n", 1);
	scrub_check("{\"\\u0070assword\":\"hunter2\",\"id\":\"x\"}\n",
		    "{\"\\u0070assword\":\"" M "\",\"id\":\"x\"}\n", 1);
	scrub_check("{\t\"cookie\"\t:\t'a=b; c=d'\t}\n", "{\t\"cookie\"\t:\t'" M "'\t}\n", 1);
	/* json: pseudo-filename, dotted keys, QEMU's doubled commas */
	scrub_check("-drive file=json:{\"file.driver\":\"https\",,\"file.password\":\"pw\"},"
		    "format=raw\n",
		    "-drive file=json:{\"file.driver\":\"https\",,\"file.password\":\"" M "\"},"
		    "format=raw\n", 1);
	/* in the object or array of a secret name every value is secret */
	scrub_check("{\"cookies\":{\"session\":\"s1\",\"cookie-secret\":\"id0\"},"
		    "\"credentials\":[\"s2\",\"s3\"],\"id\":\"x\"}\n",
		    "{\"cookies\":{\"session\":\"" M "\",\"cookie-secret\":\"id0\"},"
		    "\"credentials\":[\"" M "\",\"" M "\"],\"id\":\"x\"}\n", 3);
	/* a number of a secret name is a PIN; true/false/null are not secrets */
	scrub_check("{\"pin\":1,\"psk\":1234,\"auth\":null}\n",
		    "{\"pin\":1,\"psk\":" M ",\"auth\":null}\n", 1);
}

static void test_more_secret_properties(void **state)
{
	(void)state;
	scrub_check("-drive driver=https,url=https://h/x,cookie=SESSION=a1; t=b2,if=none\n",
		    "-drive driver=https,url=https://h/x,cookie=" M " t=b2,if=none\n", 1);
	scrub_check("-drive file.driver=https,file.cookie=s1,file.url=https://h/x\n",
		    "-drive file.driver=https,file.cookie=" M ",file.url=https://h/x\n", 1);
	scrub_check("-object tls-creds-psk,id=t0,psk=0123abcd,endpoint=client\n",
		    "-object tls-creds-psk,id=t0,psk=" M ",endpoint=client\n", 1);
	scrub_check("-blockdev driver=luks,passphrase=letmein,file=f0\n",
		    "-blockdev driver=luks,passphrase=" M ",file=f0\n", 1);
	scrub_check("-global driver=cfi.pflash01,property=password,value=s3\n",
		    "-global driver=cfi.pflash01,property=password,value=" M "\n", 1);
	scrub_unchanged("-global driver=cfi.pflash01,property=secure,value=on\n");
}

static void test_url_password_separators(void **state)
{
	(void)state;
	/* the last '@' ends the userinfo, so '/', '#', '?' stay in the password */
	scrub_check("-drive file=https://bob:pa/ss@h.example/x.img,format=raw\n",
		    "-drive file=https://bob:" M "@h.example/x.img,format=raw\n", 1);
	scrub_check("-cdrom ftp://bob:pa#ss?x@h.example/x.iso\n",
		    "-cdrom ftp://bob:" M "@h.example/x.iso\n", 1);
	scrub_check("-cdrom https://bob:pa%2Fss%23x@h.example/x.iso\n",
		    "-cdrom https://bob:" M "@h.example/x.iso\n", 1);
	/* query and fragment parameters with secret names */
	scrub_check("-cdrom https://h/x.iso?sig=abc&se=2030&X-Amz-Signature=def#access_token=g\n",
		    "-cdrom https://h/x.iso?sig=" M "&se=2030&X-Amz-Signature=" M
		    "#access_token=" M "\n", 3);
}

static void test_argument_with_newline(void **state)
{
	static const char in[] = "qemu\0-spice\0port=5900,password=ab\ncd,addr=::1\0"
				 "-object\0secret,id=s0,data=ef\ngh\0";
	static const char exp[] = "qemu\0-spice\0port=5900,password=" M ",addr=::1\0"
				  "-object\0secret,id=s0,data=" M "\0";

	(void)state;
	scrub_check_n(in, sizeof(in) - 1, exp, sizeof(exp) - 1, 2);
	/* the same argument as libvirt logs it: the quotes span the lines */
	scrub_check("-spice 'port=5900,password=ab\ncd,addr=::1' \\\n-msg timestamp=on\n",
		    "-spice 'port=5900,password=" M ",addr=::1' \\\n-msg timestamp=on\n", 1);
}

static void test_systemd_credentials(void **state)
{
	(void)state;
	scrub_check("-smbios type=11,value=io.systemd.credential:mycred=s3cr3t\n",
		    "-smbios type=11,value=io.systemd.credential:mycred=" M "\n", 1);
	scrub_check("-smbios type=11,value=io.systemd.credential.binary:mycred=c2VjcmV0\n",
		    "-smbios type=11,value=io.systemd.credential.binary:mycred=" M "\n", 1);
	scrub_check("-fw_cfg name=opt/io.systemd.credentials/mycred,string=s3cr3t\n",
		    "-fw_cfg name=opt/io.systemd.credentials/mycred,string=" M "\n", 1);
	scrub_check("-fw_cfg string=s3cr3t,name=opt/io.systemd.credentials/mycred\n",
		    "-fw_cfg string=" M ",name=opt/io.systemd.credentials/mycred\n", 1);
	scrub_unchanged("-fw_cfg name=opt/com.example/config,string=hello\n");
	scrub_check("-append 'console=ttyS0 systemd.set_credential=passwd.hashed-password.root:"
		    "$6$abc quiet'\n",
		    "-append 'console=ttyS0 systemd.set_credential=passwd.hashed-password.root:"
		    M " quiet'\n", 1);
	/* a kernel command line anywhere: /proc/cmdline, dmesg */
	scrub_check("Kernel command line: BOOT_IMAGE=/vmlinuz ro systemd.set_credential_binary=k:"
		    "QUJD\n",
		    "Kernel command line: BOOT_IMAGE=/vmlinuz ro systemd.set_credential_binary=k:"
		    M "\n", 1);
}

static void test_libvirt_log_environment(void **state)
{
	(void)state;
	scrub_check("LC_ALL=C \\\nDB_PASSWORD=s1 \\\nAPI_TOKEN='s2 s3' \\\n"
		    "http_proxy=http://u:s4@proxy:3128 \\\nall_proxy=u:s5@proxy:1080 \\\n"
		    "HOME=/var/lib/libvirt/qemu/domain-1-vm1 \\\n/usr/bin/qemu-system-x86_64 \\\n",
		    "LC_ALL=C \\\nDB_PASSWORD=" M " \\\nAPI_TOKEN='" M "' \\\n"
		    "http_proxy=http://u:" M "@proxy:3128 \\\nall_proxy=u:" M "@proxy:1080 \\\n"
		    "HOME=/var/lib/libvirt/qemu/domain-1-vm1 \\\n/usr/bin/qemu-system-x86_64 \\\n",
		    4);
	/* a variable's value is all of it, ',' and '=' included */
	scrub_check("DB_PASSWORD='a,b=c d' \\\n", "DB_PASSWORD='" M "' \\\n", 1);
	scrub_check("LC_ALL=C AWS_SECRET_ACCESS_KEY=s1 no_proxy=localhost /usr/bin/qemu -S\n",
		    "LC_ALL=C AWS_SECRET_ACCESS_KEY=" M " no_proxy=localhost /usr/bin/qemu -S\n", 1);
}

static void test_domain_xml_forms(void **state)
{
	(void)state;
	/* XML-escaped JSON and keyval inside qemu:arg */
	scrub_check("<qemu:arg value='{&quot;qom-type&quot;:&quot;secret&quot;,&quot;data&quot;:"
		    "&quot;s1&quot;}'/>\n",
		    "<qemu:arg value='{&quot;qom-type&quot;:&quot;secret&quot;,&quot;data&quot;:"
		    "&quot;" M "&quot;}'/>\n", 1);
	scrub_check("<qemu:arg value=\"file.cookie=a&amp;b,url=https://h/x\"/>\n",
		    "<qemu:arg value=\"file.cookie=" M ",url=https://h/x\"/>\n", 1);
	/* -append in one qemu:arg, its kernel command line in the next */
	scrub_check("<qemu:arg value='-append'/>\n"
		    "<qemu:arg value='console=ttyS0 systemd.set_credential=c:s2 ro'/>\n",
		    "<qemu:arg value='-append'/>\n"
		    "<qemu:arg value='console=ttyS0 systemd.set_credential=c:" M " ro'/>\n", 1);
	/* qemu:env, either attribute first */
	scrub_check("<qemu:env name='DB_PASSWORD' value='s3'/>\n"
		    "<qemu:env value=\"s4\" name=\"API_TOKEN\"/>\n"
		    "<qemu:env name='LANG' value='C'/>\n",
		    "<qemu:env name='DB_PASSWORD' value='" M "'/>\n"
		    "<qemu:env value=\"" M "\" name=\"API_TOKEN\"/>\n"
		    "<qemu:env name='LANG' value='C'/>\n", 2);
	/* a name spelled with character references is still the name */
	scrub_check("<qemu:arg value='pass&#119;ord=s5,&#x70;sk=s11'/>\n",
		    "<qemu:arg value='pass&#119;ord=" M ",&#x70;sk=" M "'/>\n", 2);
	/* elements whose text is a secret; a kernel command line element */
	scrub_check("<cookies><cookie name='sess'>s6</cookie></cookies>\n",
		    "<cookies><cookie name='sess'>" M "</cookie></cookies>\n", 1);
	scrub_check("<cmdline>console=ttyS0 systemd.set_credential=c:s7</cmdline>\n",
		    "<cmdline>console=ttyS0 systemd.set_credential=c:" M "</cmdline>\n", 1);
	/* a query attribute (libvirt's disk source) */
	scrub_check("<source protocol='https' name='/x' query='sig=s8&amp;se=1'/>\n",
		    "<source protocol='https' name='/x' query='sig=" M "&amp;se=1'/>\n", 1);
	/* free text is read as text: only the forms the models know */
	scrub_unchanged("<description>backup key is on the shelf; ask bob</description>\n");
	scrub_check("<description>token=s9</description>\n",
		    "<description>token=" M "</description>\n", 1);
	/* a commented-out element is read too */
	scrub_check("<!-- <graphics type='vnc' passwd='s10'/> -->\n",
		    "<!-- <graphics type='vnc' passwd='" M "'/> -->\n", 1);
}

static void test_redact_words(void **state)
{
	size_t count = 0;
	char *out;

	(void)state;
	assert_int_equal(nr_scrub_redact_word("ab", NULL), -EINVAL);
	assert_int_equal(nr_scrub_redact_word("two\nlines", NULL), -EINVAL);
	assert_int_equal(nr_scrub_redact_word(NULL, NULL), -EINVAL);
	assert_int_equal(nr_scrub_redact_word("Shelf-42", NULL), 0);
	out = nr_scrub_string("<description>the key is on SHELF-42, ask bob</description>\n",
			      &count);
	assert_string_equal(out, "<description>the key is on " M ", ask bob</description>\n");
	assert_int_equal(count, 1);
	free(out);
	/* our own argv holding the word is scrubbed too */
	out = nr_scrub_arg_string("shelf-42", &count);
	assert_string_equal(out, M);
	free(out);
}

/* ---- argv streams -------------------------------------------------------- */

static void test_nul_separated_argv(void **state)
{
	static const char in[] =
		"/usr/bin/qemu-system-x86_64\0-name\0guest=vm1\0"
		"-object\0secret,id=sec0,data=c2VjcmV0,format=base64\0"
		"-spice\0port=5900,password=hun ter2\0"
		"-vnc\0:1,password=on\0"
		"-object\0{\"qom-type\":\"secret\",\"id\":\"s1\",\"data\":\"a b\"}\0"
		"-drive\0file=rbd:pool/img:key=AQB==:mon_host=1.2.3.4\0";
	static const char exp[] =
		"/usr/bin/qemu-system-x86_64\0-name\0guest=vm1\0"
		"-object\0secret,id=sec0,data=" M ",format=base64\0"
		"-spice\0port=5900,password=" M "\0"
		"-vnc\0:1,password=on\0"
		"-object\0{\"qom-type\":\"secret\",\"id\":\"s1\",\"data\":\"" M "\"}\0"
		"-drive\0file=rbd:pool/img:key=" M ":mon_host=1.2.3.4\0";

	(void)state;
	scrub_check_n(in, sizeof(in) - 1, exp, sizeof(exp) - 1, 4);
}

/* ---- negatives ----------------------------------------------------------- */

static void test_not_secrets(void **state)
{
	(void)state;
	scrub_unchanged("-name guest=vm1,debug-threads=on\n");
	scrub_unchanged("-cpu host,vmx=on,svm=off\n");
	scrub_unchanged("-drive file=/var/lib/libvirt/images/a.qcow2,format=qcow2\n");
	scrub_unchanged("-object secret,id=sec0,keyid=masterKey0,format=base64\n");
	scrub_unchanged("Please enter the password for the VNC console.\n");
	scrub_unchanged("password: hunter2 is prose, not an option\n");
	scrub_unchanged("-k en-us -iscsi user=bob,initiator-name=iqn.2008-11.org.linux-kvm\n");
	scrub_unchanged("-device virtio-blk-pci,drive=drive0,id=disk0,bootindex=1\n");
	scrub_unchanged("monkey=1 mykey=2 hotkeys=3 keys=5 keyring=/etc/ceph/k keymap=de\n");
	scrub_unchanged("auth-client-required=cephx auth_supported=cephx SSH_AUTH_SOCK=/run/a\n");
	scrub_unchanged("-cpu host,passthrough=on -device vfio-pci,host=01:00.0\n");
	scrub_unchanged("<domain type='kvm' id='1'><name>vm1</name></domain>\n");
}

/* ---- stream properties --------------------------------------------------- */

static void test_every_split_point_combined(void **state)
{
	(void)state;
	/* scrub_check() already cuts every input at every byte; this one mixes the
	 * forms and both separators in one stream */
	static const char in[] =
		"<graphics type='vnc' passwd='x'/>\n"
		"qemu\0-spice\0password=abc\0"
		"{\"data\" : \"q\\\"r\"}\n"
		"<secret>\nAAA\n</secret>\n"
		"iscsi://u:p@h/t/0";
	static const char exp[] =
		"<graphics type='vnc' passwd='" M "'/>\n"
		"qemu\0-spice\0password=" M "\0"
		"{\"data\" : \"" M "\"}\n"
		"<secret>\n" M "\n</secret>\n"
		"iscsi://u:" M "@h/t/0";

	scrub_check_n(in, sizeof(in) - 1, exp, sizeof(exp) - 1, 5);
}

static void test_empty_input(void **state)
{
	struct scrub_sink k = { 0 };
	struct nr_scrub *s = nr_scrub_new(scrub_sink_out, &k);
	size_t count = 7;
	char *out;

	(void)state;
	assert_non_null(s);
	assert_int_equal(nr_scrub_write(s, "", 0), 0);
	assert_int_equal(nr_scrub_write(s, NULL, 0), 0);
	assert_int_equal(nr_scrub_finish(s), 0);
	assert_int_equal(nr_scrub_count(s), 0);
	assert_int_equal(k.len, 0);
	nr_scrub_free(s);

	out = nr_scrub_string("", &count);
	assert_non_null(out);
	assert_string_equal(out, "");
	assert_int_equal(count, 7);
	free(out);

	scrub_check("\n\n", "\n\n", 0);
	scrub_check_n("\0\0\n", 3, "\0\0\n", 3, 0);
}

static void test_bad_arguments(void **state)
{
	struct scrub_sink k = { 0 };
	struct nr_scrub *s = nr_scrub_new(scrub_sink_out, &k);

	(void)state;
	assert_null(nr_scrub_new(NULL, NULL));
	assert_int_equal(nr_scrub_write(NULL, "x", 1), -EINVAL);
	assert_int_equal(nr_scrub_write(s, NULL, 1), -EINVAL);
	assert_int_equal(nr_scrub_finish(NULL), -EINVAL);
	assert_int_equal(nr_scrub_count(NULL), 0);
	nr_scrub_free(NULL);
	nr_scrub_free(s);
}

static void test_write_error_propagates(void **state)
{
	struct scrub_sink k = { .fail_at = 1 };
	struct nr_scrub *s = nr_scrub_new(scrub_sink_out, &k);
	char *big = NULL;
	size_t blen = 0;

	(void)state;
	assert_non_null(s);
	/* output is passed on in blocks: a short stream fails at finish */
	assert_int_equal(nr_scrub_write(s, "-spice password=", 16), 0);
	assert_int_equal(nr_scrub_write(s, "x\nmore\n", 7), 0);
	assert_int_equal(k.calls, 0);
	assert_int_equal(nr_scrub_finish(s), -EIO);
	/* sticky: later calls report it and pass nothing on */
	assert_int_equal(nr_scrub_write(s, "abc\n", 4), -EIO);
	assert_int_equal(nr_scrub_finish(s), -EIO);
	assert_int_equal(k.calls, 1);
	nr_scrub_free(s);

	/* a long stream fails in the write that fills a block */
	k = (struct scrub_sink){ .fail_at = 1 };
	s = nr_scrub_new(scrub_sink_out, &k);
	assert_non_null(s);
	while (blen < 3 * MAX)
		APPEND_LIT(&big, &blen, "a line of a log, password=x\n");
	assert_int_equal(nr_scrub_write(s, big, blen), -EIO);
	assert_int_equal(nr_scrub_finish(s), -EIO);
	assert_int_equal(k.calls, 1);
	nr_scrub_free(s);
	free(big);
	free(k.p);
}

static void test_scrub_string(void **state)
{
	size_t count = 0;
	char *out;

	(void)state;
	/* one argv element: the space is part of the password */
	out = nr_scrub_arg_string("port=5900,password=hun ter2", &count);
	assert_non_null(out);
	assert_string_equal(out, "port=5900,password=" M);
	assert_int_equal(count, 1);
	free(out);

	out = nr_scrub_arg_string("secret,id=sec0,data=c2VjcmV0,format=base64", &count);
	assert_string_equal(out, "secret,id=sec0,data=" M ",format=base64");
	assert_int_equal(count, 2);     /* added to, not overwritten */
	free(out);

	out = nr_scrub_arg_string("guest=vm1,debug-threads=on", NULL);
	assert_string_equal(out, "guest=vm1,debug-threads=on");
	free(out);

	/* ... and a newline too */
	out = nr_scrub_arg_string("password=abc\ndef,x=1", &count);
	assert_string_equal(out, "password=" M ",x=1");
	assert_int_equal(count, 3);
	free(out);

	/* text (a probe's stderr): blanks end values, as in a log */
	out = nr_scrub_string("a\npassword=x y\n", &count);
	assert_string_equal(out, "a\npassword=" M " y\n");
	assert_int_equal(count, 4);
	free(out);
	out = nr_scrub_string("qemu: -spice: warning\npassword=x y", &count);
	assert_string_equal(out, "qemu: -spice: warning\npassword=" M " y");
	assert_int_equal(count, 5);
	free(out);
	out = nr_scrub_string("port=5900,password=hun ter2", NULL);
	assert_string_equal(out, "port=5900,password=" M " ter2");
	free(out);

	/* our own argv: a pasted URL */
	out = nr_scrub_arg_string("--upload=https://up.example.com/b?token=abc123"
				  "&client_secret=s3", &count);
	assert_string_equal(out, "--upload=https://up.example.com/b?token=" M
			    "&client_secret=" M);
	assert_int_equal(count, 7);
	free(out);
	out = nr_scrub_arg_string("--upload=https://bob:hunter2@up.example.com/", NULL);
	assert_string_equal(out, "--upload=https://bob:" M "@up.example.com/");
	free(out);
}

static void test_count(void **state)
{
	struct scrub_sink k = { 0 };
	struct nr_scrub *s = nr_scrub_new(scrub_sink_out, &k);

	(void)state;
	assert_non_null(s);
	assert_int_equal(nr_scrub_count(s), 0);
	assert_int_equal(nr_scrub_write(s, "password=a,passwd=b\n", 20), 0);
	assert_int_equal(nr_scrub_count(s), 2);
	/* a record is counted when it is complete, not before */
	assert_int_equal(nr_scrub_write(s, "key=c", 5), 0);
	assert_int_equal(nr_scrub_count(s), 2);
	assert_int_equal(nr_scrub_finish(s), 0);
	assert_int_equal(nr_scrub_count(s), 3);
	assert_string_equal(k.p, "password=" M ",passwd=" M "\nkey=" M);
	free(k.p);
	nr_scrub_free(s);
}

/* ---- records longer than NR_SCRUB_RECORD_MAX ----------------------------- */

static void test_long_line_many_secrets(void **state)
{
	static const char a[] = "-spice port=5900,password=hunter2 ";
	static const char b[] = "-spice port=5900,password=" M " ";
	char *in = NULL, *exp = NULL;
	size_t ilen = 0, elen = 0, n = 0;

	(void)state;
	while (ilen < 3 * MAX) {
		scrub_append(&in, &ilen, a, sizeof(a) - 1);
		scrub_append(&exp, &elen, b, sizeof(b) - 1);
		n++;
	}
	scrub_append(&in, &ilen, "\n", 1);
	scrub_append(&exp, &elen, "\n", 1);
	scrub_check_long(in, ilen, exp, elen, n);
	free(in);
	free(exp);
}

static void test_long_value_hard_cut(void **state)
{
	char *in = NULL;
	size_t ilen = 0;
	static const char exp[] = "-spice password=" M ",addr=::1\nnext password=" M "\n";

	(void)state;
	/* no separator anywhere in the value: the cuts are hard, the value
	 * spans four fragments and still becomes one marker */
	scrub_append(&in, &ilen, "-spice password=", 16);
	scrub_append_rep(&in, &ilen, 'x', 3 * MAX + 123);
	scrub_append(&in, &ilen, ",addr=::1\nnext password=y\n", 26);
	scrub_check_long(in, ilen, exp, sizeof(exp) - 1, 2);
	free(in);
}

static void test_long_quoted_and_json_values(void **state)
{
	char *in = NULL;
	size_t ilen = 0, i;
	static const char exp[] =
		"<graphics passwd='" M "'/> {\"data\":\"" M "\"} -vnc :1,password=on\n";

	(void)state;
	/* values full of blanks, so the cuts land inside them */
	scrub_append(&in, &ilen, "<graphics passwd='", 18);
	for (i = 0; i < MAX; i++)
		scrub_append(&in, &ilen, "a b", 3);
	scrub_append(&in, &ilen, "'/> {\"data\":\"", 13);
	for (i = 0; i < MAX; i++)
		scrub_append(&in, &ilen, "c\\\" ", 4);
	scrub_append(&in, &ilen, "\"} -vnc :1,password=on\n", 23);
	scrub_check_long(in, ilen, exp, sizeof(exp) - 1, 2);
	free(in);
}

static void test_long_cut_between_json_key_and_value(void **state)
{
	char *in = NULL, *exp = NULL;
	size_t ilen = 0, elen = 0;

	(void)state;
	/* the last blank of the full buffer sits right after "data": */
	scrub_append_rep(&in, &ilen, 'A', MAX - 10);
	scrub_append(&in, &ilen, " \"data\": \"s3cr3t\"}\n", 19);
	scrub_append_rep(&exp, &elen, 'A', MAX - 10);
	APPEND_LIT(&exp, &elen, " \"data\": \"" M "\"}\n");
	scrub_check_long(in, ilen, exp, elen, 1);
	free(in);
	free(exp);
}

static void test_long_secret_list_across_cut(void **state)
{
	char *in = NULL, *exp = NULL;
	size_t ilen = 0, elen = 0;

	(void)state;
	/* one argv element longer than the buffer: "secret" is in the first
	 * fragment, data= in a later one */
	scrub_append(&in, &ilen, "-object\0secret,id=sec0,", 23);
	scrub_append(&exp, &elen, "-object\0secret,id=sec0,", 23);
	while (ilen < 2 * MAX) {
		scrub_append(&in, &ilen, "x-pad=aaaaaaaa,", 15);
		scrub_append(&exp, &elen, "x-pad=aaaaaaaa,", 15);
	}
	scrub_append(&in, &ilen, "data=c2VjcmV0,format=base64\0", 28);
	APPEND_LIT(&exp, &elen, "data=" M ",format=base64\0");
	scrub_check_long(in, ilen, exp, elen, 1);
	free(in);
	free(exp);
}

static void test_long_shell_quote_across_cut(void **state)
{
	char *in = NULL, *exp = NULL;
	size_t ilen = 0, elen = 0;

	(void)state;
	/* one log line whose single-quoted argument has blanks and is longer
	 * than the buffer: the cut lands inside the quotes, and the blank in
	 * the password after it must still count as part of the value */
	APPEND_LIT(&in, &ilen, "-spice 'port=5900,");
	APPEND_LIT(&exp, &elen, "-spice 'port=5900,");
	while (ilen < MAX + MAX / 2) {
		APPEND_LIT(&in, &ilen, "x-note=a b,");
		APPEND_LIT(&exp, &elen, "x-note=a b,");
	}
	APPEND_LIT(&in, &ilen, "password=hun ter2,addr=::1' -vnc :1\n");
	APPEND_LIT(&exp, &elen, "password=" M ",addr=::1' -vnc :1\n");
	scrub_check_long(in, ilen, exp, elen, 1);
	free(in);
	free(exp);
}

static void test_long_json_string_across_cut(void **state)
{
	char *in = NULL, *exp = NULL;
	size_t ilen = 0, elen = 0;

	(void)state;
	/* argv element: an rbd filename in a JSON string, longer than the
	 * buffer; after the cut the key still knows it sits in a string, so
	 * the closing quote ends the value */
	APPEND_LIT(&in, &ilen, "qemu-system-x86_64\0-drive\0{\"driver\":\"rbd\",\"filename\":\"rbd:pool/img:");
	APPEND_LIT(&exp, &elen, "qemu-system-x86_64\0-drive\0{\"driver\":\"rbd\",\"filename\":\"rbd:pool/img:");
	while (ilen < MAX + MAX / 2) {
		APPEND_LIT(&in, &ilen, "x-note=a b:");
		APPEND_LIT(&exp, &elen, "x-note=a b:");
	}
	APPEND_LIT(&in, &ilen, "key=AQB==\",\"read-only\":true}\0");
	/* the cut lost the string around the key: its closing quote goes too */
	APPEND_LIT(&exp, &elen, "key=" M ",\"read-only\":true}\0");
	scrub_check_long(in, ilen, exp, elen, 1);
	free(in);
	free(exp);
}

static void test_long_flag_value_at_hard_cut(void **state)
{
	char *in = NULL, *exp = NULL;
	size_t ilen = 0, elen = 0;

	(void)state;
	/* the buffer fills up right after "password=on": that may be the
	 * start of "onion", so it is hidden, not kept as a switch */
	scrub_append_rep(&in, &ilen, 'A', MAX - 12);
	APPEND_LIT(&in, &ilen, "/password=onion,x=1\n");
	scrub_append_rep(&exp, &elen, 'A', MAX - 12);
	APPEND_LIT(&exp, &elen, "/password=" M ",x=1\n");
	scrub_check_long(in, ilen, exp, elen, 1);
	free(in);
	free(exp);
}

static void test_long_escaped_comma_at_buffer_end(void **state)
{
	char *in = NULL, *exp = NULL;
	size_t ilen = 0, elen = 0;

	(void)state;
	/* the buffer ends with ",,": cutting between the two commas would end
	 * the password at the first one and leak the rest */
	scrub_append_rep(&in, &ilen, 'A', MAX - 15);
	APPEND_LIT(&in, &ilen, "/password=abc,,def,x=1\n");
	scrub_append_rep(&exp, &elen, 'A', MAX - 15);
	APPEND_LIT(&exp, &elen, "/password=" M ",x=1\n");
	scrub_check_long(in, ilen, exp, elen, 1);
	free(in);
	free(exp);
}

static void test_long_escaped_json_closer_at_hard_cut(void **state)
{
	char *in = NULL, *out;
	size_t ilen = 0, olen, count;

	(void)state;
	/* JSON escaped in a JSON string whose value closer \" is split by a
	 * hard cut between the backslash and the quote */
	APPEND_LIT(&in, &ilen, "\\\"data\\\":\\\"");
	scrub_append_rep(&in, &ilen, 'x', MAX - ilen - 1);
	APPEND_LIT(&in, &ilen, "\\\",\\\"id\\\":1}\n");
	out = scrub_run(in, ilen, 0, SIZE_MAX, &olen, &count);
	assert_int_equal(count, 1);
	assert_null(strchr(out, 'x'));
	assert_non_null(strstr(out, "\\\"data\\\":\\\"" M));
	assert_non_null(strstr(out, ",\\\"id\\\":1}\n"));
	free(out);
	free(in);
}

static void test_long_no_separators(void **state)
{
	char *in = NULL;
	size_t ilen = 0;

	(void)state;
	scrub_append_rep(&in, &ilen, 'A', 3 * MAX + 5);
	scrub_check_long(in, ilen, in, ilen, 0);
	free(in);
}

/* ---- junk ---------------------------------------------------------------- */

static uint32_t rng_next(uint32_t *x)
{
	*x = *x * 1664525u + 1013904223u;
	return *x >> 8;
}

/* A log whose first line holds a stray NUL is still text: only a QEMU
 * command line is argv (found by fuzz_scrub: the <secret> survived). */
static void test_nul_in_first_line_is_text(void **state)
{
	static const char in[] = "x\0y\n<secret type='ceph'>QVFCc2VjcmV0</secret>\n";
	static const char exp[] = "x\0y\n<secret type='ceph'>" M "</secret>\n";

	(void)state;
	scrub_check_n(in, sizeof(in) - 1, exp, sizeof(exp) - 1, 1);
}

static void test_binary_junk(void **state)
{
	static const char *const bits[] = {
		"password=", "key=", "data=", "secret,", "\"data\":\"", "\\\"",
		"<secret>", "</secret>", "<", ">", "'", "\"", ",,", "://", "@",
		"%", ":", " ", "\n", "\\", "\x80\xff", "passwd='",
	};
	size_t len = 4 * MAX, i, olen, count, olen1, count1;
	char *in = malloc(len), *out, *out1;
	uint32_t x = 12345;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < len;) {
		uint32_t r = rng_next(&x);
		const char *b = bits[r % (sizeof(bits) / sizeof(bits[0]))];
		size_t bl = strlen(b);

		if (r & 0x100 && i + bl <= len) {
			memcpy(in + i, b, bl);
			i += bl;
		} else {
			in[i++] = (char)(rng_next(&x) & 0xff);
		}
	}
	out = scrub_run(in, len, 0, SIZE_MAX, &olen, &count);
	out1 = scrub_run(in, len, 1, SIZE_MAX, &olen1, &count1);
	assert_int_equal(olen1, olen);
	assert_memory_equal(out1, out, olen);
	assert_int_equal(count1, count);
	free(out1);
	out1 = scrub_run(in, len, 4093, SIZE_MAX, &olen1, &count1);
	assert_int_equal(olen1, olen);
	assert_memory_equal(out1, out, olen);
	free(out1);
	free(out);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_secret_data),
		cmocka_unit_test(test_object_secret_libvirt_aes),
		cmocka_unit_test(test_object_qom_type_secret),
		cmocka_unit_test(test_object_secret_escaped_comma),
		cmocka_unit_test(test_data_outside_secret_kept),
		cmocka_unit_test(test_json_object_secret),
		cmocka_unit_test(test_json_escaped_quotes),
		cmocka_unit_test(test_json_all_keys),
		cmocka_unit_test(test_json_spacing_and_non_strings),
		cmocka_unit_test(test_json_qmp_in_libvirt_log),
		cmocka_unit_test(test_json_blockdev_key_secret_kept),
		cmocka_unit_test(test_json_escaped_in_json_string),
		cmocka_unit_test(test_json_master_key_kept),
		cmocka_unit_test(test_spice_password),
		cmocka_unit_test(test_vnc_password_flag_kept),
		cmocka_unit_test(test_secret_ids_kept),
		cmocka_unit_test(test_rbd_key),
		cmocka_unit_test(test_rbd_key_in_json_filename),
		cmocka_unit_test(test_iscsi_option),
		cmocka_unit_test(test_iscsi_url),
		cmocka_unit_test(test_generic_url),
		cmocka_unit_test(test_xml_passwd_attr),
		cmocka_unit_test(test_xml_secret_element),
		cmocka_unit_test(test_xml_secret_refs_kept),
		cmocka_unit_test(test_libvirt_log_one_line),
		cmocka_unit_test(test_libvirt_log_continuations),
		cmocka_unit_test(test_qemu_arg_in_domain_xml),
		cmocka_unit_test(test_json_dialect_forms),
		cmocka_unit_test(test_more_secret_properties),
		cmocka_unit_test(test_url_password_separators),
		cmocka_unit_test(test_argument_with_newline),
		cmocka_unit_test(test_systemd_credentials),
		cmocka_unit_test(test_libvirt_log_environment),
		cmocka_unit_test(test_domain_xml_forms),
		cmocka_unit_test(test_nul_separated_argv),
		cmocka_unit_test(test_not_secrets),
		cmocka_unit_test(test_every_split_point_combined),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_write_error_propagates),
		cmocka_unit_test(test_scrub_string),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_long_line_many_secrets),
		cmocka_unit_test(test_long_value_hard_cut),
		cmocka_unit_test(test_long_quoted_and_json_values),
		cmocka_unit_test(test_long_cut_between_json_key_and_value),
		cmocka_unit_test(test_long_secret_list_across_cut),
		cmocka_unit_test(test_long_shell_quote_across_cut),
		cmocka_unit_test(test_long_json_string_across_cut),
		cmocka_unit_test(test_long_flag_value_at_hard_cut),
		cmocka_unit_test(test_long_escaped_comma_at_buffer_end),
		cmocka_unit_test(test_long_escaped_json_closer_at_hard_cut),
		cmocka_unit_test(test_long_no_separators),
		cmocka_unit_test(test_nul_in_first_line_is_text),
		cmocka_unit_test(test_binary_junk),
		cmocka_unit_test(test_redact_words),   /* last: the list is process-wide */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
