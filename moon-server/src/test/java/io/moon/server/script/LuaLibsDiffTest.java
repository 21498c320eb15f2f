package io.moon.server.script;

import io.moon.server.testing.RawClient;
import io.moon.server.testing.RedisServer;
import io.moon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.moon.server.script.ScriptDiff.eval;
import static io.moon.server.script.ScriptDiff.same;

/**
 * cjson, cmsgpack and struct compared with the real redis-server 7.0: each script runs on both
 * and the replies (values and error texts) must be byte-identical. Objects with several keys are
 * left out: their key order follows each interpreter's hash order (docs/differences.md).
 */
class LuaLibsDiffTest {
    private static RedisServer redis;
    private static TestServer moon;
    private static RawClient r;
    private static RawClient m;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        moon = TestServer.start(3);
        r = new RawClient(redis.port);
        m = new RawClient(moon.port);
    }

    @AfterAll
    static void stop() throws Exception {
        r.close();
        m.close();
        moon.close();
        redis.close();
    }

    private static void all(final String... scripts) throws Exception {
        for (final String s : scripts) {
            same(r, m, eval(s));
        }
    }

    /** A script's value as hex, so binary results compare readably. */
    private static String hex(final String expr) {
        return "local s = " + expr + " local t = {} for i = 1, #s do t[#t + 1] = string.format('%02x', s:byte(i)) end"
                + " return table.concat(t)";
    }

    @Test
    void shouldEncodeJsonAsRedis() throws Exception {
        all("return cjson.encode({1,2,3,'a',{x=1},true,false,cjson.null,0.1,1/3,1e20,123456789012345})",
                "return cjson.encode({1e-5, 123456.5, 0.000123, 1e14, 1e13, 99999999999999.5, 5e-324, 1.7976931348623157e308})",
                "return cjson.encode('a/b\"c\\\\\\1\\127\\200\\0\\t\\n\\r\\b\\f\\31')",
                "return cjson.encode({})", "return cjson.encode({a={}})", "return cjson.encode({[1]=1,[4]=2})",
                "return cjson.encode({['1']=1})", "return cjson.encode({[1.5]=1})", "return cjson.encode({[0]=1})",
                "return cjson.encode(nil)", "return cjson.encode(42)", "return cjson.encode(-7.25)",
                "return cjson.encode({[1]=1,[20]=2})", "return cjson.encode(function() end)", "return cjson.encode()",
                "return cjson.encode(1, 2)", "return cjson.encode(1/0)", "return cjson.encode(-1/0)",
                "return cjson.encode({[true]=1})", "return cjson.encode(coroutine.create(function() end))",
                "local t={} local c=t for i=1,1001 do c[1]={} c=c[1] end return cjson.encode(t)",
                "local t={} local c=t for i=1,999 do c[1]={} c=c[1] end return #cjson.encode(t)",
                "return cjson.encode({{{{{'deep'}}}}})", "return cjson.encode({'x', {y={'z'}}})",
                "local x = 1 local y = 0 return {cjson.encode_invalid_numbers(true), cjson.encode({x/y, -x/y, 0/0}),"
                        + " cjson.encode_invalid_numbers('null'), cjson.encode({x/y}), cjson.encode_invalid_numbers(false)}",
                "return {cjson.encode_number_precision(3), cjson.encode({1/3, 12345}), cjson.encode_number_precision(14)}",
                "return cjson.encode_number_precision(15)", "return cjson.encode_number_precision(0)",
                "return cjson.encode_keep_buffer('maybe')",
                "return {cjson.encode_keep_buffer(), cjson.encode_max_depth(), cjson.encode_number_precision(),"
                        + " cjson.decode_max_depth(), cjson._VERSION, cjson._NAME}",
                "return {cjson.encode_sparse_array()}", "return cjson.encode_max_depth(1, 2)",
                "return {cjson.encode_max_depth(2), pcall(cjson.encode, {{{1}}}), cjson.encode_max_depth(1000)}",
                "return {cjson.encode_sparse_array(true), cjson.encode({[1]=1,[20]=2}), cjson.encode_sparse_array(false)}",
                "local c = cjson.new() return {c.encode_number_precision(2), c.encode(1/3), cjson.encode(1/3)}",
                "return type(cjson.null)", "return cjson.null == cjson.decode('null')");
    }

    @Test
    void shouldDecodeJsonAsRedis() throws Exception {
        all("return cjson.decode('[1,2,3,\"a\",true,false]')", "return cjson.decode('[1,null,3]')",
                "return type(cjson.decode('null'))", "return cjson.decode('{\"a\":[1,{\"b\":\"c\"}]}').a[2].b",
                "return cjson.decode('[\"\\\\u00e9\\\\ud83d\\\\ude00\\\\n\\\\/\\\\\\\\\"]')[1]",
                "return cjson.decode('[1e400, -1e400, 0x10, 1.5e3, -0, 2.5, 1E2, 0.5e-1]')",
                "return tostring(cjson.decode('[0.1]')[1])", "return cjson.decode(' \\t\\r\\n 7 ')",
                "return cjson.decode('')", "return cjson.decode('[1,2')", "return cjson.decode('{\"a\":1} x')",
                "return cjson.decode('[tru]')", "return cjson.decode('[\"\\\\x\"]')", "return cjson.decode('[\"abc')",
                "return cjson.decode('{1:2}')", "return cjson.decode('{\"a\" 2}')", "return cjson.decode('{\"a\":2,}')",
                "return cjson.decode('[1 2]')", "return cjson.decode('[\"\\\\u12\"]')", "return cjson.decode('[\"\\\\udc00\"]')",
                "return cjson.decode('[\"\\\\ud800x\"]')", "return cjson.decode('-')", "return cjson.decode(']')",
                "return cjson.decode('[' .. string.rep('[', 1000) .. string.rep(']', 1000) .. ']')",
                "return #cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))",
                "return cjson.decode(1)", "return cjson.decode({})", "return cjson.decode()", "return cjson.decode('1', '2')",
                "return cjson.decode('\\0a')", "return cjson.decode('[1]\\0garbage')",
                "return {cjson.decode_invalid_numbers(false), pcall(cjson.decode, '[0x10]'), cjson.decode_invalid_numbers(true)}",
                "return cjson.decode('[+1]')", "return cjson.decode('[inf]')", "return cjson.decode('[-Infinity]')",
                "return cjson.decode('[nan]')[1] ~= cjson.decode('[nan]')[1]",
                "return cjson.decode('{\"k\":null}').k == cjson.null",
                "return cjson.encode(cjson.decode('{\"a\":[1,2,{\"b\":null}]}'))",
                "return cjson.decode('\"\\\\u0000x\"')");
    }

    @Test
    void shouldPackMessagePackAsRedis() throws Exception {
        all(hex("cmsgpack.pack(1, -1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -32, -33, -128, -129,"
                        + " -32768, -32769, -2147483648, -2147483649, 2^53, -2^53)"),
                hex("cmsgpack.pack(0.5, 0.1, 1/0, -1/0, 1e300, -0.0, true, false, nil, 2^63, -2^63, 3.25)"),
                hex("cmsgpack.pack('', 'abc', string.rep('x',31), string.rep('x',32))"),
                hex("cmsgpack.pack(string.rep('x',255)):sub(1,4) .. cmsgpack.pack(string.rep('x',256)):sub(1,4)"
                        + " .. cmsgpack.pack(string.rep('x',65536)):sub(1,6)"),
                hex("cmsgpack.pack({}, {1,2}, {a=1}, {[1]=1,[3]=3}, {[0]=1}, {[1.5]=2}, {{}})"),
                hex("cmsgpack.pack({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}})"),
                hex("cmsgpack.pack(function() end, cjson.null)"),
                "local t = {} for i = 1, 20 do t[i] = i end return #cmsgpack.pack(t)",
                "local t = {} for i = 1, 70000 do t[i] = 1 end return " + "cmsgpack.pack(t):byte(1)",
                "local t = {} for i = 1, 20 do t['k' .. i] = i end return cmsgpack.pack(t):sub(1, 3):byte(1, 3)",
                "return cmsgpack.pack()");
    }

    @Test
    void shouldUnpackMessagePackAsRedis() throws Exception {
        all("return {cmsgpack.unpack(cmsgpack.pack(1,'a',{1,2},{x=1},true,nil,3.5))}",
                "return cmsgpack.unpack('')", "return cmsgpack.unpack('\\205')", "return cmsgpack.unpack('\\193')",
                "return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3))}", "return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 2)}",
                "return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)}",
                "return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2, 1)}",
                "return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 0)}",
                "return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), -1)}",
                "return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 10)}", "return {cmsgpack.unpack_one(cmsgpack.pack(1), 1)}",
                "return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}",
                "return cmsgpack.unpack(cmsgpack.pack(4294967296 * 3 + 7))",
                "return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))",
                "return tostring(cmsgpack.unpack(cmsgpack.pack(0.5)))",
                "return cmsgpack.unpack(cmsgpack.pack({{{'x'}}}))[1][1][1]",
                "return #cmsgpack.unpack(cmsgpack.pack(string.rep('y', 70000)))",
                "return cmsgpack.unpack(cmsgpack.pack({a={b='c'}})).a.b",
                "return cmsgpack.unpack(cmsgpack.pack(1), 'extra')");
        for (final String b : new String[] {"\\196\\002ab", "\\217\\001c", "\\202\\063\\128\\000\\000",
            "\\203\\063\\240\\000\\000\\000\\000\\000\\000", "\\207\\255\\255\\255\\255\\255\\255\\255\\255",
            "\\211\\255\\255\\255\\255\\255\\255\\255\\254", "\\218\\000\\001c", "\\219\\000\\000\\000\\001c",
            "\\220\\000\\001\\001", "\\221\\000\\000\\000\\001\\001", "\\222\\000\\001\\001\\002",
            "\\223\\000\\000\\000\\001\\001\\002", "\\212\\001\\002", "\\199\\001\\001\\002", "\\206\\255\\255\\255\\255",
            "\\210\\128\\000\\000\\000", "\\192", "\\146\\001", "\\129\\001", "\\129\\192\\001", "\\145\\192",
            "\\147\\001\\192\\003", "\\197\\000\\001a", "\\204\\200", "\\205\\001\\000", "\\208\\200", "\\209\\255\\000",
            "\\224", "\\255", "\\160", "\\207\\000\\032\\000\\000\\000\\000\\000\\001", "\\165ab", "\\204"}) {
            same(r, m, eval("local t = {cmsgpack.unpack('" + b + "')} return {#t, t[1], type(t[1]) == 'table'"
                    + " and cjson.encode(t[1]) or 'x', type(t[1]) ~= 'table' and tostring(t[1]) or 'table'}"));
        }
    }

    @Test
    void shouldPackStructsAsRedis() throws Exception {
        all(hex("struct.pack('>iIhHbBlLTfdc3sx', -1, 4294967295, -2, 65535, -3, 255, -4, 5, 6, 1.5, 2.25, 'abcdef', 'zz')"),
                hex("struct.pack('<i2!4bi', 1, 2, 3)"), hex("struct.pack('!bd', 1, 2)"), hex("struct.pack('!2bd', 1, 2)"),
                hex("struct.pack('i8', 2^53)"), hex("struct.pack('I3', -1)"), hex("struct.pack('c0', 'hello')"),
                hex("struct.pack('i16', -2)"), hex("struct.pack('>I16', 2^70)"), hex("struct.pack('<L', 2^63 + 2^62)"),
                hex("struct.pack('>l', -2^63)"), hex("struct.pack('b', 300)"), hex("struct.pack('>i', '12')"),
                hex("struct.pack('c2', 12)"), hex("struct.pack(' > h < h', 1, 1)"), hex("struct.pack('>f', 0.1)"),
                "return struct.pack('q', 1)", "return struct.pack('i33', 1)", "return struct.pack('!3i', 1)",
                "return struct.pack('c5', 'ab')", "return struct.pack('i')", "return struct.pack('i', 'x')",
                "return struct.pack()", "return struct.pack({})", "return struct.pack('=i', 1)");
    }

    @Test
    void shouldUnpackStructsAsRedis() throws Exception {
        all("return {struct.unpack('>iIhH', struct.pack('>iIhH', -1, 4294967295, -2, 65535))}",
                "return {struct.unpack('c0', struct.pack('B', 3) .. 'abc')}",
                "return {struct.unpack('Bc0', struct.pack('B', 3) .. 'abc')}", "return {struct.unpack('s', 'abc\\0def')}",
                "return {struct.unpack('s', 'abc')}", "return {struct.unpack('i', 'abc')}",
                "return {struct.unpack('b', 'abc', 3)}", "return {struct.unpack('b', 'abc', 5)}",
                "return {struct.unpack('>d', struct.pack('>d', 0.1))}",
                "return tostring(({struct.unpack('>f', struct.pack('>f', 0.1))})[1])",
                "return {struct.unpack('i16', string.rep('\\255', 16))}",
                "return {struct.unpack('<L', string.rep('\\255', 8))}", "return {struct.unpack('<l', string.rep('\\255', 8))}",
                "return tostring(struct.unpack('<L', string.rep('\\255', 8)))",
                "return {struct.unpack('!4 b i', struct.pack('!4 b i', 7, 9))}", "return {struct.unpack('x b', 'ab')}",
                "return {struct.unpack('q', 'ab')}", "return {struct.unpack('b')}", "return {struct.unpack('b', 'a', 'x')}",
                "return struct.size('>i!8bdx')", "return struct.size('s')", "return struct.size('c0')",
                "return struct.size('c7 i3 !2 h')", "return struct.size('q')", "return struct.size('i40')",
                "return struct.size('!5')");
    }
}
